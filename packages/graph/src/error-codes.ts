/**
 * Meta's error codes → what the gateway does about them. The table in docs/meta-platform.md
 * ("Error codes") is authoritative: classify on `error.code` (and `error_subcode` where it sharpens
 * the category), never on the HTTP status, which Meta sets to 400 for almost everything and to
 * 403/429/500 now and then for the same error (130429, for one).
 *
 * Every code below is in that table, with its public sources (the Graph API "Handling errors"
 * guide and Meta's WhatsApp error-codes page).
 */

export type GraphErrorCategory =
  /** Too many calls for the app, page, account or number: back off for the whole account. */
  | 'throttle'
  /** WhatsApp 131056: too many messages to one recipient; back off for that recipient only. */
  | 'pair_rate'
  /** The token is invalid or expired: the integration needs a new one. */
  | 'auth'
  /** The token lacks a permission or the app lacks a feature. */
  | 'permission'
  /** Our request is wrong; sending it again changes nothing. */
  | 'bad_request'
  /** The 24 h customer-service window is closed: a template (WhatsApp) or a tag (Messenger) is needed. */
  | 'window_closed'
  /** Meta will not deliver to this recipient. */
  | 'undeliverable'
  /** A template is missing, paused or its parameters are wrong: resync templates. */
  | 'template'
  /** The number hit its spam limit: pause the number. */
  | 'spam'
  /** The business account is blocked or restricted for a policy violation. */
  | 'policy'
  /** The recipient cannot be reached right now or opted out. */
  | 'user_unavailable'
  /** Meta's side failed; trying again later is expected to work. */
  | 'server'
  | 'network'
  | 'timeout'
  | 'unknown';

export interface CodeRule {
  retryable: boolean;
  category: GraphErrorCategory;
  /** What Meta calls it, for people reading logs. */
  title: string;
}

const retry = (category: GraphErrorCategory, title: string): CodeRule => ({
  retryable: true,
  category,
  title,
});
const stop = (category: GraphErrorCategory, title: string): CodeRule => ({
  retryable: false,
  category,
  title,
});

const EXACT: ReadonlyMap<number, CodeRule> = new Map([
  // Retry with backoff, honouring Retry-After when present (docs/meta-platform.md, "Error codes").
  [1, retry('server', 'API unknown')],
  [2, retry('server', 'API service temporarily unavailable')],
  [4, retry('throttle', 'Application request limit reached')],
  [17, retry('throttle', 'User request limit reached')],
  [32, retry('throttle', 'Page request limit reached')],
  [341, retry('throttle', 'Application limit reached')],
  [613, retry('throttle', 'Calls to this API have exceeded the rate limit')],
  [80002, retry('throttle', 'Instagram business use case rate limit')],
  // 80004 is the ads-account call limit; docs/meta-platform.md ("Error codes") treats it as a throttle too.
  [80004, retry('throttle', 'Ads account call limit')],
  [80006, retry('throttle', 'Messenger business use case rate limit')],
  [80007, retry('throttle', 'WhatsApp Business account rate limit')],
  [80008, retry('throttle', 'Business use case rate limit')],
  [130429, retry('throttle', 'Cloud API throughput reached')],
  [131000, retry('server', 'Something went wrong')],
  [131016, retry('server', 'Service unavailable')],
  [131056, retry('pair_rate', '(Business, consumer) pair rate limit hit')],
  [131057, retry('server', 'Account in maintenance mode')],

  // Do not retry blindly.
  [100, stop('bad_request', 'Invalid parameter')],
  [190, stop('auth', 'Access token expired or invalid')],
  [10, stop('permission', 'Permission denied')],
  [131026, stop('undeliverable', 'Message undeliverable')],
  [131030, stop('undeliverable', 'Recipient phone number not in allowed list')],
  [131047, stop('window_closed', 'Re-engagement message: more than 24 hours since the last reply')],
  [131048, stop('spam', 'Spam rate limit hit')],
  [131049, stop('undeliverable', 'Meta chose not to deliver (ecosystem engagement)')],
  [131050, stop('user_unavailable', 'Recipient stopped marketing messages')],
  [368, stop('policy', 'Temporarily blocked for policy violations')],
  [131031, stop('policy', 'Business account locked')],
  [551, stop('user_unavailable', 'This person is not available right now')],

  // Listed on Meta's WhatsApp error-codes page as request/account problems; retrying cannot help.
  [3, stop('permission', 'Capability or permission missing')],
  // Graph "Handling errors": 102 is the legacy API-session error, an expired or revoked login.
  [102, stop('auth', 'API session expired or invalid')],
  [131008, stop('bad_request', 'Required parameter is missing')],
  [131009, stop('bad_request', 'Parameter value is not valid')],
  [131021, stop('bad_request', 'Recipient cannot be the sender')],
  [131051, stop('bad_request', 'Unsupported message type')],
  [131052, stop('bad_request', 'Media download error')],
  [131053, stop('bad_request', 'Media upload error')],
  [131042, stop('policy', 'Business eligibility payment issue')],
  [131045, stop('permission', 'Incorrect certificate (phone number not registered)')],
  [133010, stop('permission', 'Phone number not registered')],
  [130472, stop('undeliverable', "User's number is part of an experiment")],
  [130497, stop('policy', 'Business account restricted from messaging users in this country')],
]);

/** Graph reserves 200–299 for permission errors ("Handling errors" guide). */
const PERMISSION_RANGE = { from: 200, to: 299 } as const;
/** WhatsApp template errors (template missing, paused, parameter mismatch, …): resync templates. */
const TEMPLATE_RANGE = { from: 132000, to: 132016 } as const;

/**
 * Subcodes that sharpen the category of a code whose retry verdict stays as the table says.
 * Messenger: 10/2018278 "sent outside of allowed window" is a closed window, not a missing permission;
 * 100/2018001 "No matching user found" is a recipient the page cannot reach.
 */
const SUBCODE_CATEGORY: ReadonlyMap<string, GraphErrorCategory> = new Map([
  ['10:2018278', 'window_closed'],
  ['100:2018001', 'undeliverable'],
]);

export function ruleForCode(code: number): CodeRule | undefined {
  const exact = EXACT.get(code);
  if (exact !== undefined) return exact;
  if (code >= PERMISSION_RANGE.from && code <= PERMISSION_RANGE.to)
    return stop('permission', 'Permission error');
  if (code >= TEMPLATE_RANGE.from && code <= TEMPLATE_RANGE.to) return stop('template', 'Template error');
  return undefined;
}

export interface Classification {
  retryable: boolean;
  category: GraphErrorCategory;
}

/**
 * The verdict for one Graph error. A known code decides on its own, whatever the HTTP status (a
 * non-retryable code on a 500 stays non-retryable). An unknown code is retryable only on HTTP ≥ 500.
 */
export function classify(
  code: number | undefined,
  subcode: number | undefined,
  httpStatus: number,
): Classification {
  const rule = code === undefined ? undefined : ruleForCode(code);
  if (rule === undefined) {
    return httpStatus >= 500
      ? { retryable: true, category: 'server' }
      : { retryable: false, category: 'unknown' };
  }
  const sharper = subcode === undefined ? undefined : SUBCODE_CATEGORY.get(`${code}:${subcode}`);
  return { retryable: rule.retryable, category: sharper ?? rule.category };
}
