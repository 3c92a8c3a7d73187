import type { FastifyReply } from 'fastify';

/** The quality a media range list gives `type` (most specific matching range wins; absent = 0). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * Which of JSON and HTML the client prefers; a tie (`*∕*`, no header) goes to `tie`. Browsers
 * rank text/html above their `*∕*`, API clients ask for application/json or anything.
 */
export function preferredFormat(accept: string | undefined, tie: 'json' | 'html'): 'json' | 'html' {
  if (accept === undefined || accept === '') return tie;
  const json = quality(accept, 'application/json');
  const html = quality(accept, 'text/html');
  return json === html ? tie : json > html ? 'json' : 'html';
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface PageContent {
  title: string;
  lead: string;
  items?: string[];
  footer?: string;
}

/**
 * A self-contained page: no script, no external resource, nothing cached, and no Referer leaving
 * it (the callback URL carried the authorization code).
 */
export function sendHtml(reply: FastifyReply, status: number, page: PageContent): FastifyReply {
  const items = page.items?.length
    ? `<ul>${page.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
    : '';
  const footer = page.footer ? `<p class="muted">${escapeHtml(page.footer)}</p>` : '';
  // The admin started the flow from the console (docs/console.md) or with a link: either way, this
  // takes them back to the integrations (the console asks to sign in when there is no session).
  const back = '<p><a href="/console/integrations">Back to the console</a></p>';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1c1e21}.muted{color:#606770;font-size:.875rem}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.lead)}</p>${items}${back}${footer}</body></html>
`;
  return reply
    .status(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    })
    .send(html);
}
