/**
 * What `SELF.fetch` reaches: the test worker's own fetch handler (support/test-entry.ts) hands its
 * requests to the handler a test installed. Unlike a gateway called from the test itself, each
 * such request has its own I/O context, which workerd cancels when the caller aborts the fetch,
 * as it does on Cloudflare when a client disconnects. The test and the handler share the isolate;
 * the handler is kept on `globalThis` so both see it whatever module instance each loaded.
 * @module
 */
type Handler = (request: Request, env: unknown, ctx: ExecutionContext) => Response | Promise<Response>;

const KEY = Symbol.for("proxy-wasm-workers.test.self-handler");

/** Sends the requests `SELF.fetch` makes to `handler`, until another one is installed. */
export function serveThroughSelf(handler: Handler | null): void {
  (globalThis as Record<symbol, unknown>)[KEY] = handler;
}

export function selfHandler(): Handler | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as Handler | undefined) ?? null;
}
