import { GraphError } from './graph-error.ts';

// Every error the simulator answers with, in one place. Bodies follow fixtures/graph-errors.json;
// the key of the fixture each one copies is given in the comment. Where Meta's wording is not
// confirmed the fixture says so, and so does the README.

const WA = 'whatsapp';

/** The host family the call came in on: Instagram Login errors are typed IGApiException. */
export type Surface = 'facebook' | 'instagram';

function authenticate(message: string): Record<string, string> {
  // fixture 190_463 headers: Graph repeats the reason in WWW-Authenticate.
  return { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` };
}

/**
 * fixture `190`. HTTP 401: the WhatsApp Cloud API answers token errors with 401 (the Graph
 * fixtures captured from Page tools show 400; clients must classify on code, not status).
 */
export function invalidToken(): GraphError {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return new GraphError({ status: 401, code: 190, message, headers: authenticate(message) });
}

/** fixture `190_463`: a token past its expiry (revoked as "expired" or past expires_at). */
export function expiredToken(expiredAtMs: number, nowMs: number): GraphError {
  const message = `Error validating access token: Session has expired on ${metaDate(expiredAtMs)}. The current time is ${metaDate(nowMs)}.`;
  return new GraphError({ status: 401, code: 190, subcode: 463, message, headers: authenticate(message) });
}

/** fixture `190_460`: session invalidated (rotation, password change, security reset). */
export function invalidatedToken(): GraphError {
  const message =
    'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.';
  return new GraphError({ status: 401, code: 190, subcode: 460, message, headers: authenticate(message) });
}

/** fixture `100_33`: unknown object id, or an id the token has no access to. 400, not 404. */
export function unsupportedRequest(method: 'get' | 'post' | 'delete', id: string): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
}

/** appsecret_proof present but wrong (Graph "Securing requests" docs; representative body). */
export function invalidAppSecretProof(): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    type: 'GraphMethodException',
    message: 'Invalid appsecret_proof provided in the API argument',
  });
}

/** appsecret_proof missing while the app requires it ("Require App Secret" setting). */
export function missingAppSecretProof(): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    type: 'GraphMethodException',
    message: 'API calls from the server require an appsecret_proof argument',
  });
}

/** fixture `100_required_param`: a required top-level parameter is absent; no error_data. */
export function requiredParam(name: string, surface: Surface = 'facebook'): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    type: surfaceType(surface),
    message: `(#100) The parameter ${name} is required.`,
  });
}

/** fixture `100`: WhatsApp parameter problem, explained in error_data.details. */
export function whatsappInvalidParam(details: string): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    message: '(#100) Invalid parameter',
    details,
    messagingProduct: WA,
  });
}

/** Messenger / Instagram parameter problem: Graph puts the explanation in the message itself. */
export function invalidParam(message: string, surface: Surface = 'facebook', subcode?: number): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    type: surfaceType(surface),
    message: `(#100) ${message}`,
    ...(subcode === undefined ? {} : { subcode }),
  });
}

/** fixture `131047`: free-form WhatsApp message outside the 24 h customer service window. */
export function reengagement(): GraphError {
  return new GraphError({
    status: 400,
    code: 131047,
    message: '(#131047) Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    messagingProduct: WA,
  });
}

/** fixture `131056`: too many messages to the same recipient (per business/consumer pair). */
export function pairRateLimit(): GraphError {
  return new GraphError({
    status: 400,
    code: 131056,
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    messagingProduct: WA,
  });
}

/** fixture `130429`: the phone number's messages-per-second throughput is exhausted. */
export function throughputLimit(): GraphError {
  return new GraphError({
    status: 400,
    code: 130429,
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
    messagingProduct: WA,
  });
}

/** fixture `613`: Messenger Send API / Instagram messaging calls per second per Page/account. */
export function callRateLimit(surface: Surface): GraphError {
  return new GraphError({
    status: 400,
    code: 613,
    type: surfaceType(surface),
    message: '(#613) Calls to this api have exceeded the rate limit.',
  });
}

/** fixture `551`: Messenger/Instagram recipient can't receive messages right now. */
export function personUnavailable(surface: Surface): GraphError {
  return new GraphError({
    status: 400,
    code: 551,
    subcode: 1545041,
    type: surfaceType(surface),
    message: "(#551) This person isn't available right now.",
  });
}

/** fixture `100_2018001`: PSID/IGSID unknown to this Page/account. */
export function noMatchingUser(surface: Surface): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    subcode: 2018001,
    type: surfaceType(surface),
    message: '(#100) No matching user found',
  });
}

/**
 * Template name+language already exists. Shape of fixture `100_user_msg` (template management
 * errors carry error_user_title/msg); subcode 2388024 per Meta's template error list.
 */
export function templateExists(language: string): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    subcode: 2388024,
    isTransient: false,
    message: 'Invalid parameter',
    userTitle: 'Content in this language already exists',
    userMsg: `Content for ${language} already exists. Try changing the language and try again.`,
  });
}

/** Template creation with a bad field (same family as fixture `100_user_msg`). */
export function templateInvalid(title: string, userMsg: string): GraphError {
  return new GraphError({
    status: 400,
    code: 100,
    isTransient: false,
    message: 'Invalid parameter',
    userTitle: title,
    userMsg,
  });
}

/** fixture `132001`: template send naming a template that does not exist in that language. */
export function templateMissing(name: string, language: string): GraphError {
  return new GraphError({
    status: 400,
    code: 132001,
    message: '(#132001) Template name does not exist in the translation',
    details: `template name (${name}) does not exist in ${language}`,
    messagingProduct: WA,
  });
}

/** fixture `200` family: ID matching during Meta's review period (about 48 h after enabling). */
export function idMatchingUnderReview(): GraphError {
  return new GraphError({
    status: 400,
    code: 200,
    message: '(#200) This endpoint is under review for your app. Try again after the review completes.',
  });
}

/** Graph's answer for a path it does not know (code 2500). */
export function unknownPath(path: string): GraphError {
  return new GraphError({ status: 400, code: 2500, message: `Unknown path components: ${path}` });
}

/** fixture `2`: what Meta answers when something breaks on its side. */
export function unexpected(): GraphError {
  return new GraphError({
    status: 500,
    code: 2,
    isTransient: true,
    message: 'An unexpected error has occurred. Please retry your request later.',
  });
}

/** OAuth code exchange failures (code 100 family; subcodes per the Login docs, representative). */
export function oauthCodeError(kind: 'unknown' | 'used' | 'expired' | 'redirect'): GraphError {
  const bySituation = {
    unknown: { subcode: 36008, message: 'Invalid verification code format.' },
    used: { subcode: 36009, message: 'This authorization code has been used.' },
    expired: { subcode: 36007, message: 'This authorization code has expired.' },
    redirect: {
      subcode: 36008,
      message:
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
    },
  } as const;
  const { subcode, message } = bySituation[kind];
  return new GraphError({ status: 400, code: 100, subcode, message });
}

/** Wrong client_id / client_secret on an OAuth exchange. */
export function invalidClientSecret(): GraphError {
  return new GraphError({ status: 400, code: 1, message: 'Error validating client secret.' });
}

/** Wrong client_id on an OAuth exchange. */
export function invalidAppId(appId: string): GraphError {
  return new GraphError({
    status: 400,
    code: 101,
    message: `Error validating application. Cannot get application info due to a system error. (app id ${appId})`,
  });
}

function surfaceType(surface: Surface): string {
  return surface === 'instagram' ? 'IGApiException' : 'OAuthException';
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Monday, 24-Oct-16 21:00:00 UTC": Meta's format (Meta prints Pacific time; UTC here). */
function metaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}
