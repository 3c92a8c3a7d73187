import { PageHeader } from '../ui/kit.tsx';

export function Fbe() {
  return <PageHeader title="FBE installations" />;
}
