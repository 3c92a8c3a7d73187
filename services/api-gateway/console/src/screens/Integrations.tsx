import { PageHeader } from '../ui/kit.tsx';

export function Integrations(_props: { query: URLSearchParams }) {
  return <PageHeader title="Integrations" />;
}
