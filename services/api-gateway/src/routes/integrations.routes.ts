import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type IntegrationsRouteDeps = Record<never, never>;

export function registerIntegrationRoutes(_app: AdminApp, _deps: IntegrationsRouteDeps): void {}
