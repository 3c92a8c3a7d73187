import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type ContactsRouteDeps = Record<never, never>;

export function registerContactRoutes(_app: AdminApp, _deps: ContactsRouteDeps): void {}
