import { PageHeader } from '../ui/kit.tsx';

export function DeadLetters(_props: { query: URLSearchParams }) {
  return <PageHeader title="DeadLetters" />;
}
