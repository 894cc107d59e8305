/**
 * The Hono app: every request goes to the gateway.
 * @module
 */
import { Hono } from "hono";
import type { Gateway } from "./gateway.ts";

export function createApp(gateway: () => Gateway): Hono {
  const app = new Hono();
  app.all("*", (c) => gateway().handle(c.req.raw, c.executionCtx));
  return app;
}
