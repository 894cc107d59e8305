/**
 * The normalised gateway configuration: what a Kong declarative config becomes after
 * validation. Pure data (JSON-serialisable), shared by the build, the worker and the admin API.
 * @module
 */

import type { LOG_LEVEL_NAMES } from "../abi/types.ts";

/** What to do when a plugin cannot run (trap, rejected configuration, failed start). */
export type FailurePolicy = "fail_closed" | "fail_open";

/** One filter entry of a chain, with the Envoy-style fields DESIGN.md adds to Kong's schema. */
export interface FilterEntry {
  /** Filter name: the `.wasm` file name without its extension. */
  name: string;
  /** Plugin configuration bytes as UTF-8 text (`null` = no configuration). */
  config: string | null;
  enabled: boolean;
  /** What `plugin_root_id` returns; the AssemblyScript and C++ SDKs pick their root context by it. */
  rootId: string;
  /** The VM configuration buffer seen in `on_vm_start`. */
  vmConfig: string;
  /** WASI environment variables of this plugin; the host's own environment is never visible. */
  env: Record<string, string>;
  failurePolicy: FailurePolicy;
  /**
   * `host[:port]` targets this plugin may call with `proxy_http_call` besides the config's
   * services (Kong style). Nothing else is reachable: the gateway is no open proxy.
   */
  calloutHosts: string[];
  /** This plugin's log threshold (`trace` … `critical`); null = the gateway's. */
  logLevel: FilterLogLevel | null;
  /** Fuel per callback of this plugin when its module is metered; null = the gateway's. */
  fuelBudget: number | null;
  /**
   * Where shared data and shared queues live: `isolate` (in memory, per isolate, synchronous) or
   * `global` (Durable Objects, one consistent store for the whole deployment).
   */
  sharedState: SharedStateScope;
}

export type SharedStateScope = "isolate" | "global";

/** A Proxy-Wasm log level by name (`trace` … `critical`). */
export type FilterLogLevel = (typeof LOG_LEVEL_NAMES)[number];

/**
 * A Kong 3.9 plugin entity whose name is a filter: that filter attached to one service or
 * route, after the filters of its chain entity.
 */
export interface FilterPlugin {
  id: string;
  filter: FilterEntry;
}

/** A Kong `filter_chains` entity attached to one service or one route. */
export interface FilterChain {
  id: string;
  name: string | null;
  enabled: boolean;
  filters: FilterEntry[];
}

export type ServiceProtocol = "http" | "https";

export interface ServiceConfig {
  id: string;
  name: string | null;
  protocol: ServiceProtocol;
  host: string;
  port: number;
  /** Upstream path prefix, e.g. `/api` (`null` = none). */
  path: string | null;
  retries: number;
  connectTimeout: number;
  writeTimeout: number;
  readTimeout: number;
  enabled: boolean;
  filterChain: FilterChain | null;
  /** Filters configured as plugins, in Kong 3.10's order (name, updated_at, created_at, id). */
  filterPlugins: FilterPlugin[];
}

export type PathHandling = "v0" | "v1";

export interface RouteConfig {
  id: string;
  name: string | null;
  /** Index into `GatewayConfig.services`, or `null` for a route without a service. */
  service: number | null;
  protocols: string[];
  methods: string[];
  hosts: string[];
  paths: string[];
  /** Header name (lower-case) → accepted values. */
  headers: Record<string, string[]>;
  stripPath: boolean;
  preserveHost: boolean;
  pathHandling: PathHandling;
  regexPriority: number;
  /** What an http request to an https-only route gets: 426, or a redirect (301, 302, 307, 308). */
  httpsRedirectStatusCode: number;
  filterChain: FilterChain | null;
  /** Filters configured as plugins, in Kong 3.10's order (name, updated_at, created_at, id). */
  filterPlugins: FilterPlugin[];
}

export interface GatewayConfig {
  formatVersion: string;
  services: ServiceConfig[];
  routes: RouteConfig[];
}

/** A filter the build found in the filters folder. */
export interface FilterInfo {
  name: string;
  /** Defaults from `<name>.meta.json` (see DESIGN.md "Config beyond Kong's schema"). */
  meta?: FilterMeta;
}

export interface FilterMeta {
  config_schema?: unknown;
  root_id?: string;
  vm_config?: string;
  env?: Record<string, string>;
  failure_policy?: FailurePolicy;
  callout_hosts?: string[];
  log_level?: FilterLogLevel;
  /** `false` bundles the module as it is, without fuel metering (build time only). */
  metering?: boolean;
  /** Fuel per callback for this filter's plugins (default: the gateway's). */
  fuel_budget?: number;
  shared_state?: SharedStateScope;
}

/** The filters a config may use, by name. */
export type FilterCatalog = ReadonlyMap<string, FilterInfo>;
