/** The Graph client's settings, as every service builds them from its parsed configuration. */
export function graphClientSettings(config: {
  META_API_URL: string;
  INSTAGRAM_API_URL: string;
  META_APP_SECRET?: string | undefined;
  INSTAGRAM_APP_SECRET?: string | undefined;
  GRAPH_CONNECT_TIMEOUT_MS: number;
  GRAPH_HEADERS_TIMEOUT_MS: number;
  GRAPH_BODY_TIMEOUT_MS: number;
  GRAPH_CONNECTIONS: number;
}) {
  return {
    graphUrl: config.META_API_URL,
    instagramUrl: config.INSTAGRAM_API_URL,
    appSecret: config.META_APP_SECRET,
    instagramAppSecret: config.INSTAGRAM_APP_SECRET,
    timeouts: {
      connectMs: config.GRAPH_CONNECT_TIMEOUT_MS,
      headersMs: config.GRAPH_HEADERS_TIMEOUT_MS,
      bodyMs: config.GRAPH_BODY_TIMEOUT_MS,
    },
    connections: config.GRAPH_CONNECTIONS,
  };
}
