// What `pnpm migrate` tells a person when it fails: one line saying what went wrong and, when the
// server could not be reached or refused us, where it looked (never the password) and what to check.

/** DATABASE_URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

// Node's socket errors, and PostgreSQL's SQLSTATEs for a server that is not (yet) accepting us:
// https://www.postgresql.org/docs/current/errcodes-appendix.html
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const NOT_ACCEPTING = new Set(['57P01', '57P02', '57P03', '53300']);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Connecting to "localhost" tries ::1 and 127.0.0.1; both failures come back together.
  if (err instanceof AggregateError) return err.errors.map(codeOf).find(Boolean);
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return err.errors.map(messageOf).join('; ');
  return err instanceof Error ? err.message : String(err);
}

/** The lines to print for `err`: the error first, then a hint when there is one. */
export function explainMigrateError(err: unknown, databaseUrl: string): string[] {
  const where = describeDatabaseUrl(databaseUrl);
  const code = codeOf(err);
  const message = messageOf(err).replaceAll(/\s*\n\s*/g, ' ');
  const failed = `migration failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
  const timedOut = /timeout/i.test(message) && /connect/i.test(message);
  if ((code && UNREACHABLE.has(code)) || timedOut)
    return [failed, `is PostgreSQL running at ${where}? check DATABASE_URL`];
  if (code && NOT_ACCEPTING.has(code))
    return [failed, `PostgreSQL at ${where} is not accepting connections now; try again shortly`];
  if (code === '28P01' || code === '28000')
    return [failed, `PostgreSQL at ${where} refused the user or password; check DATABASE_URL`];
  if (code === '3D000')
    return [failed, `the database in ${where} does not exist; create it (createdb) or fix DATABASE_URL`];
  return [failed];
}
