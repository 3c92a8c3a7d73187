import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type FbeRouteDeps = Record<never, never>;

export function registerFbeRoutes(_app: AdminApp, _deps: FbeRouteDeps): void {}
