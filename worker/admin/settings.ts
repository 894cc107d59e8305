/**
 * Where the admin API listens and who may call it, read from the worker's bindings.
 * @module
 */

/** Bindings of the admin API (all optional: without `ADMIN_TOKEN` the admin API does not exist). */
export interface AdminEnv {
  /** Secret bearer token; the admin API is off unless it is set (`wrangler secret put ADMIN_TOKEN`). */
  ADMIN_TOKEN?: string;
  /** Path prefix of the admin API (default `/_admin`, or none when `ADMIN_HOST` is set). */
  ADMIN_PATH_PREFIX?: string;
  /** Serve the admin API on this host name (`Host` header) instead of a path prefix. */
  ADMIN_HOST?: string;
}

/** The admin API's resolved settings. */
export interface AdminSettings {
  token: string;
  prefix: string;
  host: string | null;
}

/** The default path prefix: unlikely to clash with a proxied route, like Kong's separate admin port. */
export const DEFAULT_ADMIN_PREFIX = "/_admin";

/** The settings, or `null` when no token is configured (the admin API is off). */
export function adminSettings(env: AdminEnv | undefined): AdminSettings | null {
  const token = env?.ADMIN_TOKEN;
  if (typeof token !== "string" || token === "") return null;
  const host = env?.ADMIN_HOST ? env.ADMIN_HOST.toLowerCase() : null;
  const given = env?.ADMIN_PATH_PREFIX;
  const prefix = given !== undefined ? given : host !== null ? "" : DEFAULT_ADMIN_PREFIX;
  return { token, host, prefix: prefix.replace(/\/+$/, "") };
}

/**
 * The admin path of `request` (`/services`, `/`), or `null` when the request is not for the
 * admin API and goes to the gateway.
 */
export function adminPathOf(request: Request, settings: AdminSettings): string | null {
  const url = new URL(request.url);
  if (settings.host !== null) {
    const host = (request.headers.get("host") ?? url.host).toLowerCase().replace(/:\d+$/, "");
    if (host !== settings.host) return null;
  }
  const path = url.pathname;
  if (settings.prefix === "") return path;
  if (path === settings.prefix) return "/";
  return path.startsWith(`${settings.prefix}/`) ? path.slice(settings.prefix.length) : null;
}
