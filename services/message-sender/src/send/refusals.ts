import type { SendCommand } from '@omnistream/events';
import { Terminal } from './errors.ts';
import type { SendProcessorDeps } from './types.ts';

/**
 * A MARKETING template to a WhatsApp customer who stopped marketing messages (`user_preferences`
 * webhook, recorded by the status tracker) is refused before any call: Meta would refuse it with
 * 131050 anyway, and each refused marketing send counts against the number's quality.
 */
export async function refuseStoppedMarketing(
  preferences: SendProcessorDeps['preferences'],
  command: SendCommand,
): Promise<void> {
  if (command.channel !== 'whatsapp' || command.message.type !== 'template') return;
  const since = await preferences.marketingStoppedAt({
    integrationId: command.integrationId,
    recipient: command.to,
    templateName: command.message.name,
    language: command.message.language,
  });
  if (since === null) return;
  throw new Terminal('marketing_opted_out', {
    code: 'SENDER_MARKETING_OPTED_OUT',
    message: `${command.to} stopped marketing messages on ${since.toISOString()} and has not resumed them; MARKETING template ${command.message.name} was not sent`,
    retryable: false,
  });
}
