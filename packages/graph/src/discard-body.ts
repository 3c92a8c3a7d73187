/**
 * Stops reading a response body we refuse (too large). undici's BodyReadable emits an AbortError when
 * destroyed without a reason; with no listener that would be an uncaught exception, so one is added.
 * The socket is closed rather than drained: draining a body we already refused could take long.
 */
export function discardBody(body: {
  on(event: 'error', listener: () => void): unknown;
  destroy(): void;
}): void {
  body.on('error', () => {});
  body.destroy();
}
