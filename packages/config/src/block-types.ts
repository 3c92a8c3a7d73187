import { isIP } from 'node:net';
import { z } from 'zod';

// The value types the config blocks share (see blocks.ts).

export const port = z.coerce.number().int().min(0).max(65535);
export const url = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
export const secret = z.string().min(1);
export const path = z.string().min(1);

/** What fastify's trustProxy (proxy-addr) accepts: an address, a CIDR, or one of its named ranges. */
export function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

export const retentionDays = z.coerce.number().int().min(0).max(36_500);
