// One line of a child's output as `pnpm dev` prints it: `[name] 12:00:01 INFO message key=value`.
// Children log pino JSON; anything else (a stack trace, a banner) is printed as it came.

const LEVEL_COLORS: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};
const NAME_COLORS = ['36', '35', '33', '32', '34', '96', '95'];
const HIDDEN = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname', 'err']);

export type LineFormatter = (name: string, line: string) => string;

export function createLineFormatter(options: {
  color: boolean;
  raw: boolean;
  names: string[];
}): LineFormatter {
  const width = Math.max(...options.names.map((n) => n.length));
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const prefixes = new Map(
    options.names.map((n, i) => [
      n,
      paint(NAME_COLORS[i % NAME_COLORS.length] as string, `[${n}]`.padEnd(width + 2)),
    ]),
  );

  return (name, line) => {
    const prefix = prefixes.get(name) ?? `[${name}]`;
    if (options.raw || !line.startsWith('{')) return `${prefix} ${line}`;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return `${prefix} ${line}`;
    }
    if (typeof entry.msg !== 'string' && typeof entry.level !== 'string') return `${prefix} ${line}`;
    const level = String(entry.level ?? 'info');
    const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
    const fields = Object.entries(entry)
      .filter(([k]) => !HIDDEN.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
    const parts = [
      prefix,
      paint('90', time),
      paint(LEVEL_COLORS[level] ?? '0', level.toUpperCase().padEnd(5)),
      String(entry.msg ?? ''),
      ...(fields.length > 0 ? [paint('90', fields.join(' '))] : []),
    ];
    let text = parts.join(' ');
    const err = entry.err as { message?: unknown; stack?: unknown } | undefined;
    if (err && typeof err === 'object') {
      const detail = typeof err.stack === 'string' ? err.stack : String(err.message ?? JSON.stringify(err));
      text += `\n${detail
        .split('\n')
        .map((l) => `${' '.repeat(width + 3)}${l}`)
        .join('\n')}`;
    }
    return text;
  };
}
