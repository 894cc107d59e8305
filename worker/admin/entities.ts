/**
 * The running config's entities in Kong's Admin API shapes (snake_case fields, foreign keys as
 * `{ "id": ... }`), so tools written against Kong's Admin API read them unchanged.
 * @module
 */
import type { FilterCatalog, FilterChain, FilterEntry, GatewayConfig, RouteConfig, ServiceConfig } from "../../config/model.ts";

/** A filter entry as Kong shows it: JSON config for filters with a schema, the raw string otherwise. */
export function filterJson(entry: FilterEntry, catalog: FilterCatalog): Record<string, unknown> {
  const hasSchema = catalog.get(entry.name)?.meta?.config_schema !== undefined;
  let config: unknown = entry.config;
  if (hasSchema && entry.config !== null) {
    try {
      config = JSON.parse(entry.config);
    } catch {
      // Kept as text: the loader serialised it, so this only happens with a hand-made bundle.
    }
  }
  return {
    name: entry.name,
    config,
    enabled: entry.enabled,
    root_id: entry.rootId,
    failure_policy: entry.failurePolicy,
  };
}

/** A service in Kong's shape. */
export function serviceJson(service: ServiceConfig): Record<string, unknown> {
  return {
    id: service.id,
    name: service.name,
    protocol: service.protocol,
    host: service.host,
    port: service.port,
    path: service.path,
    retries: service.retries,
    connect_timeout: service.connectTimeout,
    write_timeout: service.writeTimeout,
    read_timeout: service.readTimeout,
    enabled: service.enabled,
    tags: null,
  };
}

/** A route in Kong's shape; `service` is the foreign key of its service (or null). */
export function routeJson(route: RouteConfig, config: GatewayConfig): Record<string, unknown> {
  const service = route.service === null ? null : config.services[route.service];
  return {
    id: route.id,
    name: route.name,
    protocols: route.protocols,
    methods: route.methods.length > 0 ? route.methods : null,
    hosts: route.hosts.length > 0 ? route.hosts : null,
    paths: route.paths.length > 0 ? route.paths : null,
    headers: Object.keys(route.headers).length > 0 ? route.headers : null,
    strip_path: route.stripPath,
    preserve_host: route.preserveHost,
    path_handling: route.pathHandling,
    regex_priority: route.regexPriority,
    service: service ? { id: service.id } : null,
    tags: null,
  };
}

/** A chain with the entity it is attached to. */
export interface OwnedChain {
  chain: FilterChain;
  service: ServiceConfig | null;
  route: RouteConfig | null;
}

/** Every filter chain of the config: service chains first, then route chains (declaration order). */
export function filterChains(config: GatewayConfig): OwnedChain[] {
  const chains: OwnedChain[] = [];
  for (const service of config.services) if (service.filterChain) chains.push({ chain: service.filterChain, service, route: null });
  for (const route of config.routes) if (route.filterChain) chains.push({ chain: route.filterChain, service: null, route });
  return chains;
}

/** A filter chain in Kong's shape. */
export function filterChainJson(owned: OwnedChain, catalog: FilterCatalog): Record<string, unknown> {
  return {
    id: owned.chain.id,
    name: owned.chain.name,
    enabled: owned.chain.enabled,
    service: owned.service ? { id: owned.service.id } : null,
    route: owned.route ? { id: owned.route.id } : null,
    filters: owned.chain.filters.map((entry) => filterJson(entry, catalog)),
    tags: null,
  };
}

/** Finds an entity by id (case-insensitive, ids are UUIDs) or by name, like Kong's `/{id|name}`. */
export function findEntity<T extends { id: string; name: string | null }>(entities: readonly T[], key: string): T | undefined {
  const lower = key.toLowerCase();
  return entities.find((e) => e.id === lower) ?? entities.find((e) => e.name === key);
}
