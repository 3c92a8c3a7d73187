import { PageHeader } from '../ui/kit.tsx';

export function Conversation(props: { integrationId: string; contactId: string }) {
  return <PageHeader title={`Conversation ${props.contactId} ${props.integrationId}`} />;
}
