import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type DlqRouteDeps = Record<never, never>;

export function registerDlqRoutes(_app: AdminApp, _deps: DlqRouteDeps): void {}
