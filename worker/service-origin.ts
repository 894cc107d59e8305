/** The origin (`scheme://host[:port]`) of a service, as proxied requests and callouts reach it. */
import type { ServiceConfig } from "../config/model.ts";

export function serviceOrigin(service: ServiceConfig): string {
  const host = service.host.includes(":") ? `[${service.host}]` : service.host;
  const defaultPort = service.protocol === "https" ? 443 : 80;
  return `${service.protocol}://${host}${service.port === defaultPort ? "" : `:${service.port}`}`;
}
