/**
 * The Hono app: admin requests (when an admin token is configured) go to the admin API, every
 * other request to the gateway.
 * @module
 */
import { Hono } from "hono";
import type { AdminApp, AdminBindings } from "./admin/context.ts";
import type { GatewayMetrics } from "./admin/metrics.ts";
import { adminPathOf, adminSettings } from "./admin/settings.ts";
import type { Gateway } from "./gateway.ts";

/** What the app dispatches to. */
export interface AppParts {
  /** The gateway serving proxied requests right now (it changes when the config does). */
  gateway: () => Gateway;
  /** The admin API; omitted = no admin API whatever the bindings say. */
  admin?: AdminApp;
  /** Counts proxied responses for `/metrics`. */
  metrics?: GatewayMetrics;
}

export function createApp(parts: AppParts): Hono<{ Bindings: AdminBindings }> {
  const app = new Hono<{ Bindings: AdminBindings }>();
  app.all("*", async (c) => {
    const settings = parts.admin ? adminSettings(c.env) : null;
    const adminPath = settings ? adminPathOf(c.req.raw, settings) : null;
    if (parts.admin && adminPath !== null) {
      const url = new URL(c.req.url);
      url.pathname = adminPath;
      return parts.admin.fetch(new Request(url, c.req.raw), c.env, c.executionCtx);
    }
    const response = await parts.gateway().handle(c.req.raw, c.executionCtx);
    parts.metrics?.countResponse(response.status);
    return response;
  });
  return app;
}
