/**
 * Which plugins run for a route, in Kong's order.
 * @module
 */
import type { FilterChain, FilterEntry, GatewayConfig } from "./model.ts";

/** One plugin of a plan and the chain it came from (Kong's `/routes/{id}/filters` shows the same). */
export interface PlannedFilter {
  filter: FilterEntry;
  from: "service" | "route";
}

function enabledFilters(chain: FilterChain | null, from: PlannedFilter["from"]): PlannedFilter[] {
  if (chain === null || !chain.enabled) return [];
  return chain.filters.filter((filter) => filter.enabled).map((filter) => ({ filter, from }));
}

/**
 * The plan for `routeIndex`: the service chain's filters, then the route chain's, each in
 * declared order; disabled chains and disabled filters are left out. Empty = no Wasm runs.
 */
export function planChain(config: GatewayConfig, routeIndex: number): PlannedFilter[] {
  const route = config.routes[routeIndex];
  if (route === undefined) throw new RangeError(`no route at index ${routeIndex}`);
  const service = route.service === null ? null : config.services[route.service];
  return [...enabledFilters(service?.filterChain ?? null, "service"), ...enabledFilters(route.filterChain, "route")];
}
