import type { Logger } from '@omnistream/logger';
import type { Accounts } from './account-types.ts';
import type { Business } from './business.ts';
import type { CdnAttachments } from './cdn.ts';
import type { SimClock } from './clock.ts';
import type { CustomerWindow } from './customer-window.ts';
import type { Faults } from './faults.ts';
import type { IdFactory } from './ids.ts';
import type { Ledger } from './ledger.ts';
import type { Limits } from './limits.ts';
import type { MediaStore } from './media.ts';
import type { OAuthCodes } from './oauth.ts';
import type { StatusWebhooks } from './status-webhooks.ts';
import type { Templates } from './templates.ts';

/** The Meta app the simulator pretends to be configured with. */
export interface SimApp {
  id: string;
  secret: string;
  name: string;
  /** Instagram Login apps have their own app id and secret. */
  instagramAppId: string;
  instagramAppSecret: string;
}

export interface SimSettings {
  /** Added to every Graph call (not `/_sim`): a realistic floor for benchmarks. */
  latencyMs: number;
  /** "Require App Secret" app setting: every Graph call needs `appsecret_proof`. */
  requireAppSecretProof: boolean;
}

/** Everything the route modules share. One per simulator. */
export interface SimContext {
  app: SimApp;
  settings: SimSettings;
  clock: SimClock;
  accounts: Accounts;
  limits: Limits;
  faults: Faults;
  ledger: Ledger;
  window: CustomerWindow;
  templates: Templates;
  media: MediaStore;
  /** Messenger / Instagram attachment URLs (`/_cdn/:id`), bytes kept in `media`. */
  cdn: CdnAttachments;
  oauth: OAuthCodes;
  business: Business;
  webhooks: StatusWebhooks;
  ids: IdFactory;
  logger: Logger;
  /** `http://127.0.0.1:PORT` once listening (URLs in responses point back here). */
  baseUrl(): string;
}
