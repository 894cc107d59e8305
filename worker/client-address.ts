/**
 * Where a request came from and in on, for `X-Forwarded-For`, `X-Real-IP`, `X-Forwarded-Port`,
 * the `source.address` property and the access log.
 * @module
 */

/**
 * The client's IP address. Plain workerd (`serve`) reports the connection's peer as
 * `request.cf.clientIp` (`ip:port`, `[ipv6]:port`), which a client cannot forge; Cloudflare has no
 * such field and sets `CF-Connecting-IP` instead (overwriting any the client sent). Null when
 * neither is there.
 */
export function clientAddress(request: Request): string | null {
  const peer = (request.cf as { clientIp?: unknown } | undefined)?.clientIp;
  if (typeof peer === "string") return withoutPort(peer);
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
