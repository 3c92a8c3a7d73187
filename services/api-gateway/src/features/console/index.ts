import type { Registry } from 'prom-client';
import { CONSOLE_DIR } from '../../console-dir.ts';
import type { AdminAuthDeps } from '../../shared/admin-auth.ts';
import type { RegisterRoutes } from '../../shared/feature.ts';
import type { MessageLogHandlers } from '../conversations/message-log.handler.ts';
import type { InboundEventHandlers } from '../inbound/index.ts';
import { registerConsoleSessionRoutes } from './console-session.routes.ts';
import type { ConsoleSessionsRepository } from './console-sessions.repository.ts';
import { registerConsoleStatic } from './console-static.ts';
import { createLiveUpdates } from './live-updates.ts';

export {
  type ConsoleSessionsRepository,
  createConsoleSessionsRepository,
} from './console-sessions.repository.ts';
export { CONSOLE_CSP } from './console-static.ts';

export interface ConsoleSettings {
  /** The built console (services/api-gateway/console/dist). */
  dir: string;
  /** CONSOLE_SESSION_HOURS. */
  sessionHours: number;
  /** CONSOLE_MAX_STREAMS: live update streams open at once. */
  maxStreams: number;
  /** How often a stream gets a keep-alive and its credential is checked again (default 20 s). */
  heartbeatMs?: number;
}

/**
 * The browser console (docs/console.md): its pages and sign-in routes outside /admin, the live
 * update stream inside it, and the inbound-event handlers that feed the stream — the message log's
 * handlers first, so a console fetching after an update finds the message stored.
 */
export function startConsole(deps: {
  /** Default: the built console, 12-hour sessions, 20 live update streams. */
  settings?: Partial<ConsoleSettings> | undefined;
  auth: AdminAuthDeps & { sessions: ConsoleSessionsRepository };
  /** The conversations feature: its message-log handlers run before the stream is told. */
  conversations: { handlers: MessageLogHandlers };
  registry: Registry;
}): {
  routes: RegisterRoutes;
  adminRoutes: RegisterRoutes;
  handlers: Pick<InboundEventHandlers, 'message' | 'echo' | 'status'>;
} {
  const { auth } = deps;
  const messageLog = deps.conversations.handlers;
  const settings: ConsoleSettings = { dir: CONSOLE_DIR, sessionHours: 12, maxStreams: 20, ...deps.settings };
  const live = createLiveUpdates({
    maxStreams: settings.maxStreams,
    registry: deps.registry,
    auth,
    heartbeatMs: settings.heartbeatMs,
  });
  return {
    routes: (app) => {
      registerConsoleSessionRoutes(app, {
        auth,
        sessions: auth.sessions,
        sessionTtlMs: settings.sessionHours * 3_600_000,
      });
      void app.register(async (scope) => registerConsoleStatic(scope as typeof app, { dir: settings.dir }));
    },
    adminRoutes: (app) => live.routes(app),
    handlers: {
      message: async (event) => {
        await messageLog.message(event);
        live.onMessage(event);
      },
      echo: async (event) => {
        await messageLog.echo(event);
        live.onMessage(event);
      },
      status: (event) => live.onStatus(event),
    },
  };
}
