import { PageHeader } from '../ui/kit.tsx';

export function Templates(_props: { query: URLSearchParams }) {
  return <PageHeader title="Templates" />;
}
