/**
 * Entry of the gateway worker. INTERIM: proxies to the first service until the gateway lands.
 * @module
 */
import type { GatewayBundle } from "./bundle.ts";

export type { GatewayBundle } from "./bundle.ts";

export function createWorker(bundle: GatewayBundle): ExportedHandler {
  return {
    async fetch(request) {
      const service = bundle.config.services[0];
      if (!service) return Response.json({ message: "no Route matched with those values" }, { status: 404 });
      const url = new URL(request.url);
      const upstream = `${service.protocol}://${service.host}:${service.port}${url.pathname}${url.search}`;
      return fetch(upstream, { method: request.method, headers: request.headers, body: request.body });
    },
  };
}
