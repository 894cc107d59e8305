/** The origin (`scheme://host[:port]`) of a service, as proxied requests and callouts reach it. */
import type { ServiceConfig } from "../config/model.ts";

export function serviceOrigin(service: ServiceConfig): string {
  const host = service.host.includes(":") ? `[${service.host}]` : service.host;
  const defaultPort = service.protocol === "https" ? 443 : 80;
  return `${service.protocol}://${host}${service.port === defaultPort ? "" : `:${service.port}`}`;
}

/**
 * The binding through which a request keeps its client's `Host` (`preserve_host`): `serve`
 * generates an outbound workerd service per http upstream address, bound under this name. A
 * `fetch` through it goes to the service's address while its URL (and so its `Host`) names
 * the client's host.
 */
export function preserveHostBinding(service: Pick<ServiceConfig, "host" | "port">): string {
  return `upstream:${service.host}:${service.port}`;
}
