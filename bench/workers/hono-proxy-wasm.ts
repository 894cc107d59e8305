/**
 * Cases (m) and (m-tiny): case (h)'s app, with the header added by a filter through
 * `proxyWasm()` instead of by a plain Hono middleware — the greeting filter under /greeting/,
 * the tiny WAT header filter (bench/fixtures/tiny-header-filter.ts) under /tiny/. What the
 * middleware costs is the gap to case (h), which does the same thing in JavaScript; (m-tiny)
 * shows how much of it is the chain around a guest that does nearly nothing.
 * @module
 */
import { Hono } from "hono";
import { proxyWasm } from "../../worker/hono/index.ts";
import greeting from "../../build/filters/greeting.wasm";
import tiny from "../../build/bench/filters/bench-tiny-header.wasm";
import { forward } from "./hono-passthrough.ts";

const GREETING = "Hello from Kong using WebAssembly!";

export function createWorker(upstream: string): { fetch: Hono["fetch"] } {
  const app = new Hono();
  app.use("/greeting/*", proxyWasm({ filters: { greeting }, chain: [{ name: "greeting", config: JSON.stringify({ my_greeting: GREETING }) }] }));
  app.use("/tiny/*", proxyWasm({ filters: { tiny }, chain: [{ name: "tiny" }] }));
  app.all("*", async (c) => {
    const response = await forward(upstream, c.req.raw);
    return new Response(response.body, response);
  });
  return { fetch: app.fetch };
}
