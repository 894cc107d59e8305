/**
 * `GET /services`, `GET /services/{id|name}`.
 * @module
 */
import type { AdminApp, AdminContext } from "./context.ts";
import { findEntity, serviceJson } from "./entities.ts";
import { json, list, notFound } from "./responses.ts";

export function serviceEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/services", () => list(ctx.live.running.config.services.map(serviceJson)));
  app.get("/services/:key", (c) => {
    const service = findEntity(ctx.live.running.config.services, c.req.param("key"));
    return service ? json(serviceJson(service)) : notFound();
  });
}
