/**
 * Case (b), the baseline: the thinnest sensible Hono proxy. Forwards method, path, headers and
 * body to the upstream and returns its response with mutable headers — what any Hono gateway
 * does before it does anything useful.
 * @module
 */
import { Hono } from "hono";

/** Hono's fetch to `upstream` (origin, no trailing slash). */
export function forward(upstream: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(upstream + url.pathname + url.search, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "manual",
  });
}

export function createWorker(upstream: string): { fetch: Hono["fetch"] } {
  const app = new Hono();
  app.all("*", async (c) => {
    const response = await forward(upstream, c.req.raw);
    return new Response(response.body, response);
  });
  return { fetch: app.fetch };
}
