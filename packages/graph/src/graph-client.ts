import type { SendCommand } from '@omnistream/events';
import type { Logger, Redactor } from '@omnistream/logger';
import { z } from 'zod';
import { createFbeCalls } from './fbe.ts';
import { createIdMatchingCalls } from './id-matching.ts';
import { validate } from './input-primitives.ts';
import { createMediaCalls } from './media.ts';
import { createMessageCalls, type MessagingSendResult, type SenderActionResult } from './messages.ts';
import type {
  SendInstagramActionInput,
  SendInstagramInput,
  SendInstagramMessageInput,
  SendMessengerActionInput,
  SendMessengerInput,
  SendMessengerMessageInput,
} from './messaging-message.ts';
import { createOAuthCalls } from './oauth.ts';
import { createPageCalls } from './pages.ts';
import { type CommandSendResult, type SendTarget, sendCommand } from './send-command.ts';
import { createTemplateCalls } from './templates.ts';
import { createTokenCheckCalls } from './token-check.ts';
import { createTransport, type HostConfig } from './transport.ts';

export interface GraphClientOptions {
  /** Graph base URL with its version, from config (META_API_URL, e.g. https://graph.facebook.com/v21.0). */
  graphUrl: string;
  /** Instagram Login base URL with its version (https://graph.instagram.com/v21.0). */
  instagramUrl: string;
  /** Instagram's OAuth host for the code exchange (https://api.instagram.com). */
  instagramOAuthUrl?: string | undefined;
  /** App secret: adds appsecret_proof to every Graph call; needed by ids_for_* and Facebook OAuth. */
  appSecret?: string | undefined;
  /** Instagram Login apps have their own secret; falls back to appSecret for the Instagram host. */
  instagramAppSecret?: string | undefined;
  /**
   * undici's connect timeout, time to response headers, and longest pause between body chunks. undici
   * checks the last two on a coarse timer (about 0.5–1 s resolution), so they fire up to ~1 s late.
   */
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** Keep-alive connections per origin (default 64). */
  connections?: number | undefined;
  /** Largest JSON answer read (default 10 MiB); media downloads have their own cap. */
  maxResponseBytes?: number | undefined;
  logger: Logger;
  /** Shared redactor: tokens seen or obtained by the client are registered so logs never show them. */
  redactor?: Redactor | undefined;
  /** Clock for Retry-After dates (default Date.now). */
  now?: (() => number) | undefined;
}

const BaseUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !u.includes('?') && !u.includes('#'), 'must be a base URL without query or fragment');

const OptionsSchema = z.object({
  graphUrl: BaseUrlSchema,
  instagramUrl: BaseUrlSchema,
  instagramOAuthUrl: BaseUrlSchema.optional(),
  appSecret: z.string().min(1).optional(),
  instagramAppSecret: z.string().min(1).optional(),
  timeouts: z.strictObject({
    connectMs: z.int().positive(),
    headersMs: z.int().positive(),
    bodyMs: z.int().positive(),
  }),
  connections: z.int().positive().optional(),
  maxResponseBytes: z.int().positive().optional(),
});

function hostConfig(baseUrl: string, appSecret: string | undefined): HostConfig {
  const url = new URL(baseUrl);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), appSecret };
}

export function createGraphClient(options: GraphClientOptions) {
  const o = validate(OptionsSchema, options, 'Graph client options');
  const instagramSecret = o.instagramAppSecret ?? o.appSecret;
  options.redactor?.addSecret(o.appSecret);
  options.redactor?.addSecret(o.instagramAppSecret);
  const transport = createTransport({
    hosts: {
      graph: hostConfig(o.graphUrl, o.appSecret),
      instagram: hostConfig(o.instagramUrl, instagramSecret),
      instagramOAuth:
        o.instagramOAuthUrl === undefined ? undefined : hostConfig(o.instagramOAuthUrl, undefined),
    },
    timeouts: { connect: o.timeouts.connectMs, headers: o.timeouts.headersMs, body: o.timeouts.bodyMs },
    connections: o.connections ?? 64,
    maxResponseBytes: o.maxResponseBytes ?? 10 * 1024 * 1024,
    logger: options.logger,
    redactor: options.redactor,
    now: options.now ?? Date.now,
  });

  const messages = createMessageCalls(transport);
  const sendMessenger = messages.sendMessenger as SendMessengerOverloads;
  const sendInstagram = messages.sendInstagram as SendInstagramOverloads;
  const commandCalls = { ...messages, sendMessenger, sendInstagram };

  return {
    sendWhatsApp: messages.sendWhatsApp,
    markWhatsAppRead: messages.markWhatsAppRead,
    sendMessenger,
    sendInstagram,
    /** A SendCommand (events package) → the channel's call. */
    send: (command: SendCommand, target: SendTarget): Promise<CommandSendResult> =>
      sendCommand(commandCalls, command, target),
    ...createTemplateCalls(transport),
    ...createMediaCalls(transport),
    ...createTokenCheckCalls(transport),
    ...createOAuthCalls(transport, { appSecret: o.appSecret, instagramAppSecret: instagramSecret }),
    ...createPageCalls(transport),
    ...createFbeCalls(transport),
    ...createIdMatchingCalls(transport),
    /** Closes the connection pools; calls in flight finish first. */
    close: (): Promise<void> => transport.close(),
  };
}

interface SendMessengerOverloads {
  (input: SendMessengerMessageInput): Promise<MessagingSendResult>;
  (input: SendMessengerActionInput): Promise<SenderActionResult>;
  (input: SendMessengerInput): Promise<MessagingSendResult | SenderActionResult>;
}

interface SendInstagramOverloads {
  (input: SendInstagramMessageInput): Promise<MessagingSendResult>;
  (input: SendInstagramActionInput): Promise<SenderActionResult>;
  (input: SendInstagramInput): Promise<MessagingSendResult | SenderActionResult>;
}

export type GraphClient = ReturnType<typeof createGraphClient>;
