/**
 * `proxyWasm()`: Proxy-Wasm filters in front of a Hono app's own handlers.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { AppChain } from "./app-chain.ts";
import { readProxyWasmOptions, type ProxyWasmOptions } from "./options.ts";

/** The request's `waitUntil`, or a no-op where Hono runs without an execution context (`app.request()`). */
function waitUntilOf(c: Context): (promise: Promise<unknown>) => void {
  return (promise) => {
    let ctx: ExecutionContext | null = null;
    try {
      ctx = c.executionCtx as ExecutionContext;
    } catch {
      // no execution context: the promise runs on by itself
    }
    if (ctx) ctx.waitUntil(promise);
    else promise.catch(() => undefined);
  };
}

/**
 * A Hono middleware that runs a Proxy-Wasm filter chain around `next()`: request phases before
 * the handler (a filter may rewrite the request the handler sees, or answer in its place),
 * response phases on the handler's response. The options are checked when `proxyWasm()` is
 * called, so a mistake fails the worker's start, not a request; each filter's VM is started once
 * per isolate, on first use.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { proxyWasm } from "proxy-wasm-workers/hono";
 * import greeting from "./filters/greeting.wasm";
 *
 * const app = new Hono();
 * app.use("/api/*", proxyWasm({
 *   filters: { greeting },
 *   chain: [{ name: "greeting", config: '{"my_greeting": "Hello from Hono"}' }],
 * }));
 * app.get("/api/hello", (c) => c.json({ hello: "world" }));
 * export default app;
 * ```
 * @throws ConfigError naming every mistake in the options (`proxyWasm() chain[0].name: …`).
 * @see docs/hono.md
 */
export function proxyWasm(options: ProxyWasmOptions): MiddlewareHandler {
  const chain = new AppChain(readProxyWasmOptions(options));
  return async function proxyWasm(c, next) {
    const response = await chain.run(
      c.req.raw,
      async (request) => {
        c.req.raw = request;
        await next();
        return c.res;
      },
      waitUntilOf(c),
    );
    // Unset first: assigning over a response copies the old one's headers onto the new one,
    // which would bring back headers a filter removed.
    c.res = undefined;
    c.res = response;
  };
}
