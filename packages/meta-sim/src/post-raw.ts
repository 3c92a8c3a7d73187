import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface RawPoster {
  /**
   * POSTs the exact bytes given (the signature covers them, so nothing may re-encode them) and
   * resolves with the status code once the answer has been read.
   */
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number>;
  close(): void;
}

/** Keep-alive poster: status webhooks go out at up to 3× the send rate during benchmarks. */
export function createRawPoster(maxSockets = 64): RawPoster {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  return {
    post(url, body, headers, timeoutMs) {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const bytes = Buffer.from(body, 'utf8');
      return new Promise((resolve, reject) => {
        const req = (secure ? httpsRequest : httpRequest)(
          target,
          {
            method: 'POST',
            agent: secure ? httpsAgent : httpAgent,
            headers: { ...headers, 'content-length': String(bytes.length) },
            timeout: timeoutMs,
          },
          (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode ?? 0));
            res.once('error', reject);
          },
        );
        req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.once('error', reject);
        req.end(bytes);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
