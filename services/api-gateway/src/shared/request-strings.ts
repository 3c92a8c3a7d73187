import { AppError } from '@omnistream/service-kit';
import type { FastifyInstance } from 'fastify';

const NUL = '\u0000';
const PROBLEM = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** The first string in `value` PostgreSQL would refuse, as its path (`body.filter.reason`), or null. */
function firstUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) || !value.isWellFormed() ? path : null;
  if (value === null || typeof value !== 'object') return null;
  // Bodies nest at most MAX_JSON_DEPTH levels (checkJsonDepth runs before parsing), so this recursion is bounded.
  for (const [key, item] of Object.entries(value)) {
    const at = firstUnstorable(key, `${path}.${key}`) ?? firstUnstorable(item, `${path}.${key}`);
    if (at) return at;
  }
  return null;
}

/**
 * Refuses, with 400 and the field's path, any string of a request's path parameters, query or
 * JSON body holding NUL or a lone surrogate. PostgreSQL stores neither in text (NUL: "invalid byte
 * sequence"; jsonb: "unsupported Unicode escape sequence"), so they would otherwise fail as 500s
 * deep inside a repository. One hook rather than a rule per schema: it also covers routes whose
 * schema says nothing about a value (a path parameter, a free-form JSON field).
 */
export function refuseUnstorableStrings(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const parts: [string, unknown][] = [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ];
    for (const [name, value] of parts) {
      const path = firstUnstorable(value, name);
      if (path) {
        throw new AppError('GW_VALIDATION', `invalid request: ${path}: ${PROBLEM}`, {
          status: 400,
          details: { issues: [{ path, message: PROBLEM }] },
        });
      }
    }
  });
}
