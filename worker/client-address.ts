/**
 * Where a request came from and in on, for `X-Forwarded-For`, `X-Real-IP`, `X-Forwarded-Port`,
 * the `source.address` property and the access log.
 * @module
 */

/** Where the client's address comes from (`PROXY_WASM_CLIENT_ADDRESS`). */
export type ClientAddressSource = "cf-connecting-ip" | "connection";

/** The setting's value; anything but `connection` is Cloudflare's header. */
export function clientAddressSource(setting: string | undefined): ClientAddressSource {
  return setting?.trim().toLowerCase() === "connection" ? "connection" : "cf-connecting-ip";
}

/**
 * The client's IP address, or null. On Cloudflare (and `wrangler dev`) it is `CF-Connecting-IP`,
 * which the platform sets, overwriting any the client sent. Plain workerd (`serve`, which sets
 * `PROXY_WASM_CLIENT_ADDRESS=connection`) reports the connection's peer as `request.cf.clientIp`
 * (`ip:port`, `[ipv6]:port`) and passes a client's `CF-Connecting-IP` through, so there the peer
 * it is. Reading `request.cf` measured ~25 µs of workerd CPU per request, so only then.
 */
export function clientAddress(request: Request, source: ClientAddressSource): string | null {
  if (source === "connection") {
    const peer = (request.cf as { clientIp?: unknown } | undefined)?.clientIp;
    return typeof peer === "string" ? withoutPort(peer) : null;
  }
  return request.headers.get("cf-connecting-ip");
}

function withoutPort(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end < 0 ? address : address.slice(1, end);
  }
  const colon = address.lastIndexOf(":");
  // A bare IPv6 address has several colons and no port.
  return colon < 0 || address.indexOf(":") !== colon ? address : address.slice(0, colon);
}

/**
 * The port the request came in on: the listening port `serve` gives each isolate
 * (`PROXY_WASM_LISTEN_PORT`) when set, else the URL's (the `Host` header's under workerd; on
 * Cloudflare the port the client connected to), else the scheme's default.
 */
export function forwardedPort(url: URL, listenPort: string | null): string {
  return listenPort ?? (url.port || (url.protocol === "https:" ? "443" : "80"));
}
