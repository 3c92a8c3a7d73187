// The part of autocannon 9's API the benchmark uses (the package ships no types; @types/autocannon
// would be one more dependency for a few lines). Client fields below are autocannon internals the
// fixed-rate mode re-times; they are pinned by the exact autocannon version in package.json.
declare module 'autocannon' {
  export interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  export interface Request extends RequestData {
    setupRequest?: (request: RequestData, context: object) => RequestData | null;
  }

  /** One connection. */
  export interface Client {
    rate: number;
    rateInterval: NodeJS.Timeout | undefined;
    reqsMadeThisSecond: number;
    paused: boolean;
    destroyed: boolean;
    _doRequest(): void;
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    overallRate?: number;
    requests?: Request[];
    setupClient?: (client: Client) => void;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }

  export interface Result {
    duration: number;
    start: Date;
    finish: Date;
    connections: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    '2xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
