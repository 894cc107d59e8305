/**
 * The gateway model of an app's chain: one service standing for the app and one route matching
 * everything, carrying the chain. The plugin pool, chain plans and callouts read this shape;
 * nothing routes on it (Hono already did) and nothing fetches its address.
 * @module
 */
import type { FilterEntry, GatewayConfig, RouteConfig, ServiceConfig } from "../../config/model.ts";

/** The service's id: what `proxy_get_property` of the service id returns inside the middleware. */
export const APP_SERVICE_ID = "proxy-wasm-hono-app";

/**
 * One service without a name (so no callout can target the app by name) holding the chain, and
 * its catch-all route. Timeouts and retries are unused: the handler is called, not fetched.
 */
export function appConfig(entries: FilterEntry[]): GatewayConfig {
  const service: ServiceConfig = {
    id: APP_SERVICE_ID,
    name: null,
    protocol: "http",
    host: "app",
    port: 80,
    path: null,
    retries: 0,
    connectTimeout: 60_000,
    writeTimeout: 60_000,
    readTimeout: 60_000,
    enabled: true,
    filterChain: { id: `${APP_SERVICE_ID}-chain`, name: null, enabled: true, filters: entries },
    filterPlugins: [],
  };
  const route: RouteConfig = {
    id: `${APP_SERVICE_ID}-route`,
    name: null,
    service: 0,
    protocols: ["http", "https"],
    methods: [],
    hosts: [],
    paths: ["/"],
    headers: {},
    stripPath: false,
    preserveHost: true,
    pathHandling: "v0",
    regexPriority: 0,
    httpsRedirectStatusCode: 426,
    filterChain: null,
    filterPlugins: [],
  };
  return { formatVersion: "3.0", services: [service], routes: [route] };
}
