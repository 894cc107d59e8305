/**
 * The worker's request dispatch: admin requests (when an admin token is configured) go to the
 * admin API's Hono app, every other request straight to the gateway. A Hono app with a single
 * catch-all route in front of the gateway cost 30–70 µs of workerd CPU per proxied request
 * (a Context per request, routing that always matches) and decided nothing.
 * @module
 */
import type { AdminApp, AdminBindings } from "./admin/context.ts";
import type { GatewayMetrics } from "./admin/metrics.ts";
import { adminPathOf, adminSettings } from "./admin/settings.ts";
import type { Gateway } from "./gateway.ts";

/** What the dispatch sends requests to. */
export interface DispatchParts {
  /** The gateway serving proxied requests right now (it changes when the config does). */
  gateway: () => Gateway;
  /** The admin API; omitted = no admin API whatever the bindings say. */
  admin?: AdminApp;
  /** Counts proxied responses for `/metrics`. */
  metrics?: GatewayMetrics;
}

export type Dispatch = (request: Request, env: AdminBindings, ctx: ExecutionContext) => Promise<Response>;

export function createDispatch(parts: DispatchParts): Dispatch {
  return async (request, env, ctx) => {
    const settings = parts.admin ? adminSettings(env) : null;
    const adminPath = settings ? adminPathOf(request, settings) : null;
    if (parts.admin && adminPath !== null) {
      const url = new URL(request.url);
      url.pathname = adminPath;
      return parts.admin.fetch(new Request(url, request), env, ctx);
    }
    const response = await parts.gateway().handle(request, ctx);
    parts.metrics?.countResponse(response.status);
    return response;
  };
}
