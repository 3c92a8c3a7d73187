import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type MessagesRouteDeps = Record<never, never>;

export function registerMessageRoutes(_app: AdminApp, _deps: MessagesRouteDeps): void {}
