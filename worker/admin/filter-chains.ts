/**
 * `GET /filter-chains`, `GET /filter-chains/{id|name}`.
 * @module
 */
import type { AdminApp, AdminContext } from "./context.ts";
import { filterChainJson, filterChains } from "./entities.ts";
import { json, list, notFound } from "./responses.ts";

export function filterChainEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/filter-chains", () => list(filterChains(ctx.live.running.config).map((owned) => filterChainJson(owned, ctx.live.catalog))));
  app.get("/filter-chains/:key", (c) => {
    const key = c.req.param("key");
    const chains = filterChains(ctx.live.running.config);
    const owned = chains.find((o) => o.chain.id === key.toLowerCase()) ?? chains.find((o) => o.chain.name === key);
    return owned ? json(filterChainJson(owned, ctx.live.catalog)) : notFound();
  });
}
