import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type OauthRouteDeps = Record<never, never>;

export function registerOauthRoutes(_app: AdminApp, _deps: OauthRouteDeps): void {}
