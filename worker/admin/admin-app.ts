/**
 * The admin API: a Hono app behind a bearer token, with one file per entity.
 * @module
 */
import { Hono } from "hono";
import { isAuthorized } from "./auth.ts";
import { configEndpoints } from "./config-endpoint.ts";
import type { AdminApp, AdminBindings, AdminContext } from "./context.ts";
import { filterChainEndpoints } from "./filter-chains.ts";
import { filterEndpoints } from "./filters.ts";
import { message, unauthorized } from "./responses.ts";
import { routeEndpoints } from "./routes.ts";
import { serviceEndpoints } from "./services.ts";
import { adminSettings } from "./settings.ts";
import { statusEndpoints } from "./status.ts";

/**
 * The admin app; requests reach it with the admin prefix already removed. The caller only
 * routes here when a token is configured, but the check repeats so the app is never open.
 */
export function createAdminApp(ctx: AdminContext): AdminApp {
  const app: AdminApp = new Hono<{ Bindings: AdminBindings }>();
  app.use("*", async (c, next) => {
    const settings = adminSettings(c.env);
    if (settings === null || !isAuthorized(c.req.raw, settings.token)) return unauthorized();
    await next();
  });
  app.get("/", (c) => c.json({ tagline: "Welcome to proxy-wasm-workers", version: ctx.live.running.version }));
  statusEndpoints(app, ctx);
  serviceEndpoints(app, ctx);
  routeEndpoints(app, ctx);
  filterChainEndpoints(app, ctx);
  filterEndpoints(app, ctx);
  configEndpoints(app, ctx);
  app.notFound(() => message(404, "Not found"));
  app.onError((error) => {
    console.error(`[proxy-wasm] admin API error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return message(500, "An unexpected error occurred");
  });
  return app;
}
