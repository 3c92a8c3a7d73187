import type { ConnectedAccount } from './integration-writer.ts';
import type { OauthProvider } from './oauth-states.repository.ts';

/** A Page the login returned that was not connected, and why. */
export interface SkippedPage {
  id: string;
  name: string;
  reason: string;
}

export interface OnboardingResult {
  provider: OauthProvider;
  connected: ConnectedAccount[];
  skipped: SkippedPage[];
}

/** One provider's authorization: the dialog URL out, the code back in. */
export interface LoginFlow {
  provider: OauthProvider;
  /** Shown to people: "Instagram", "Messenger". */
  label: string;
  /** Environment variables still missing for this flow; empty when it can run. */
  missingSettings(): string[];
  redirectUri(): string;
  authorizeUrl(input: { state: string; redirectUri: string }): string;
  /** Exchanges the code and connects the accounts; nothing is written unless every Meta step succeeded. */
  complete(input: { code: string; redirectUri: string; adminKeyId: string }): Promise<OnboardingResult>;
}
