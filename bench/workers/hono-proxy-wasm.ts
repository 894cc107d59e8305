/**
 * Case (m): case (h)'s app, with the header added by the greeting filter through `proxyWasm()`
 * instead of a plain Hono middleware. What the middleware costs is the gap between this and
 * case (h), which does the same thing in JavaScript.
 * @module
 */
import { Hono } from "hono";
import { proxyWasm } from "../../worker/hono/index.ts";
import greeting from "../../build/filters/greeting.wasm";
import { forward } from "./hono-passthrough.ts";

const GREETING = "Hello from Kong using WebAssembly!";

export function createWorker(upstream: string): { fetch: Hono["fetch"] } {
  const app = new Hono();
  app.use(proxyWasm({ filters: { greeting }, chain: [{ name: "greeting", config: JSON.stringify({ my_greeting: GREETING }) }] }));
  app.all("*", async (c) => {
    const response = await forward(upstream, c.req.raw);
    return new Response(response.body, response);
  });
  return { fetch: app.fetch };
}
