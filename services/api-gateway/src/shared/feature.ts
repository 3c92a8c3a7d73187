import type { registerErrorHandler } from '@omnistream/service-kit';
import type { AdminApp } from './admin-app.ts';

/**
 * How a feature hands its routes to app.ts: its `start<Name>()` (features/<name>/index.ts) returns
 * one of these, and app.ts registers it in one line (docs/architecture.md).
 */
export type RegisterRoutes = (app: AdminApp) => void;

/**
 * How a feature answers its own routes' failures in its own form (the OAuth callback's HTML page):
 * handed to the service's one error handler (registerErrorHandler's `respond`).
 */
export type FailureResponder = NonNullable<
  NonNullable<Parameters<typeof registerErrorHandler>[1]>['respond']
>;
