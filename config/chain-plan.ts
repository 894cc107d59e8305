/**
 * Which plugins run for a route, in Kong's order.
 * @module
 */
import type { FilterEntry, GatewayConfig, RouteConfig, ServiceConfig } from "./model.ts";

/** One plugin of a plan and the entity it came from (Kong's `/routes/{id}/filters` shows the same). */
export interface PlannedFilter {
  filter: FilterEntry;
  from: "service" | "route";
  /**
   * Stable for the same entry across requests: `service:<id>:<position>` for a chain's
   * filter, `plugin:<id>` for a filter configured as a plugin.
   */
  key: string;
}

/** An entity's own filters: its chain's (when enabled), then its filter plugins (Kong 3.9). */
function ownFilters(owner: ServiceConfig | RouteConfig | null, from: PlannedFilter["from"]): PlannedFilter[] {
  if (owner === null) return [];
  const planned: PlannedFilter[] = [];
  const chain = owner.filterChain;
  if (chain !== null && chain.enabled) {
    chain.filters.forEach((filter, position) => {
      if (filter.enabled) planned.push({ filter, from, key: `${from}:${owner.id}:${position}` });
    });
  }
  for (const plugin of owner.filterPlugins) {
    if (plugin.filter.enabled) planned.push({ filter: plugin.filter, from, key: `plugin:${plugin.id}` });
  }
  return planned;
}

/**
 * The plan for `routeIndex`: the service's filters, then the route's; for each, its chain's
 * filters in declared order and then the filters configured as plugins. Disabled chains and
 * disabled entries are left out. Empty = no Wasm runs.
 */
export function planChain(config: GatewayConfig, routeIndex: number): PlannedFilter[] {
  const route = config.routes[routeIndex];
  if (route === undefined) throw new RangeError(`no route at index ${routeIndex}`);
  const service = route.service === null ? null : (config.services[route.service] ?? null);
  return [...ownFilters(service, "service"), ...ownFilters(route, "route")];
}
