/**
 * Case (h): the greeting filter's logic written as Hono middleware (adds `X-Greeting` to every
 * response) on top of the passthrough of case (b). What the Proxy-Wasm filter costs is the gap
 * between this and case (d).
 * @module
 */
import { Hono } from "hono";
import { forward } from "./hono-passthrough.ts";

const GREETING = "Hello from Kong using WebAssembly!";

export function createWorker(upstream: string): { fetch: Hono["fetch"] } {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("X-Greeting", GREETING);
  });
  app.all("*", async (c) => {
    const response = await forward(upstream, c.req.raw);
    return new Response(response.body, response);
  });
  return { fetch: app.fetch };
}
