import type { AdminApp } from '../admin-app.ts';

// Placeholder while this route module is being written; see the issue for what it serves.
export type TemplatesRouteDeps = Record<never, never>;

export function registerTemplateRoutes(_app: AdminApp, _deps: TemplatesRouteDeps): void {}
