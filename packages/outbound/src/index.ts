export {
  createMarketingPreferencesRepository,
  type MarketingPreferenceChange,
  type MarketingPreferencesRepository,
  recipientIdentifier,
} from './marketing-preferences.repository.ts';
export {
  createOutboundMessagesRepository,
  type OutboundError,
  type OutboundMessage,
  type OutboundMessagesRepository,
  type OutboundStatus,
  SENT_OR_LATER,
  type StatusChange,
} from './outbound-messages.repository.ts';
export {
  createSenderInstancesRepository,
  type SenderInstancesRepository,
} from './sender-instances.repository.ts';
