/**
 * `GET /routes`, `GET /routes/{id|name}`, and the effective plan `GET /routes/{id|name}/filters/{all,enabled,disabled}`.
 * @module
 */
import { planChain } from "../../config/chain-plan.ts";
import type { FilterEntry, GatewayConfig } from "../../config/model.ts";
import type { AdminApp, AdminContext } from "./context.ts";
import { filterJson, findEntity, routeJson } from "./entities.ts";
import { json, list, message, notFound } from "./responses.ts";

const MODES = ["all", "enabled", "disabled"] as const;
type Mode = (typeof MODES)[number];

/**
 * Kong's `/routes/{id}/filters/{mode}` body: every filter of the service's chain then the route's
 * chain, each with `from` and its chain. `enabled` is exactly what runs (planChain: enabled
 * filters of enabled chains); `disabled` is the rest; `all` is both.
 */
function routeFilters(config: GatewayConfig, routeIndex: number, mode: Mode, ctx: AdminContext): Record<string, unknown>[] {
  const route = config.routes[routeIndex];
  const service = route.service === null ? null : config.services[route.service];
  const running = new Set<FilterEntry>(planChain(config, routeIndex).map((planned) => planned.filter));
  const out: Record<string, unknown>[] = [];
  for (const [owner, from] of [[service, "service"], [route, "route"]] as const) {
    const chain = owner?.filterChain;
    for (const entry of chain?.filters ?? []) {
      const runs = running.has(entry);
      if ((mode === "enabled" && !runs) || (mode === "disabled" && runs)) continue;
      out.push({ ...filterJson(entry, ctx.live.catalog), from, filter_chain: { id: chain!.id, name: chain!.name } });
    }
    for (const plugin of owner?.filterPlugins ?? []) {
      const runs = running.has(plugin.filter);
      if ((mode === "enabled" && !runs) || (mode === "disabled" && runs)) continue;
      out.push({ ...filterJson(plugin.filter, ctx.live.catalog), from, plugin: { id: plugin.id } });
    }
  }
  return out;
}

export function routeEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/routes", () => {
    const config = ctx.live.running.config;
    return list(config.routes.map((route) => routeJson(route, config)));
  });
  app.get("/routes/:key", (c) => {
    const config = ctx.live.running.config;
    const route = findEntity(config.routes, c.req.param("key"));
    return route ? json(routeJson(route, config)) : notFound();
  });
  app.get("/routes/:key/filters/:mode", (c) => {
    const mode = c.req.param("mode") as Mode;
    if (!MODES.includes(mode)) return message(404, "Not found");
    const config = ctx.live.running.config;
    const route = findEntity(config.routes, c.req.param("key"));
    if (!route) return notFound();
    return json({ filters: routeFilters(config, config.routes.indexOf(route), mode, ctx) });
  });
}
