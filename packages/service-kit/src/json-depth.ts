import { AppError } from './app-error.ts';

/**
 * How deep a JSON body may nest. Meta's deepest webhook payloads (interactive replies inside a
 * message inside a change inside an entry) stay under 12 levels and admin bodies under 10; V8 parses
 * far deeper documents, but the code walking them afterwards (zod, JSON.stringify, the normalizers)
 * recurses and would overflow the stack at a few thousand levels.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Throws a 400 `GW_INVALID_JSON` when `body` nests objects or arrays deeper than `maxDepth`. It
 * scans the bytes once without parsing (brackets inside strings do not count), so it is safe to run
 * before `JSON.parse`; malformed JSON is left for the parser to report.
 */
export function checkJsonDepth(body: Buffer | string, maxDepth: number = MAX_JSON_DEPTH): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // Most bodies cannot exceed the limit at all: skip the scan when there are too few brackets.
  if (bytes.length <= maxDepth) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > maxDepth) {
        throw new AppError('GW_INVALID_JSON', `JSON nests deeper than ${maxDepth} levels`, {
          status: 400,
          details: { maxDepth },
        });
      }
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    }
  }
}

/** `JSON.parse` behind {@link checkJsonDepth}; a syntax error becomes a 400 `GW_INVALID_JSON`. */
export function parseJsonBounded(body: Buffer | string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  checkJsonDepth(body, maxDepth);
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    throw new AppError('GW_INVALID_JSON', 'body is not valid JSON', { status: 400, cause: err });
  }
}
