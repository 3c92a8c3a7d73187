import { PageHeader } from '../ui/kit.tsx';

export function Conversations(_props: { query: URLSearchParams }) {
  return <PageHeader title="Conversations" />;
}
