/**
 * Entry of the gateway worker: `createWorker(bundle)` is what the generated entry module exports.
 * The gateway (router, plans, plugins) is built once per isolate, on the first request.
 * @module
 */
import type { GatewayBundle } from "./bundle.ts";
import { createApp } from "./app.ts";
import { consoleHost } from "./console-host.ts";
import { Gateway } from "./gateway.ts";
import { optionsFromBindings, type GatewayOptionBindings } from "./options.ts";

export type { GatewayBundle } from "./bundle.ts";
export { Gateway } from "./gateway.ts";

/** Bindings the gateway reads (see worker/options.ts). */
export type GatewayEnv = GatewayOptionBindings;

export function createWorker(bundle: GatewayBundle): ExportedHandler<GatewayEnv> {
  let gateway: Gateway | null = null;
  let env: GatewayEnv = {};
  const app = createApp(() => {
    if (gateway === null) {
      const options = optionsFromBindings(env);
      gateway = new Gateway(bundle.config, bundle.modules, consoleHost(options.logLevel), options);
    }
    return gateway;
  });
  return {
    fetch(request, bindings, ctx) {
      env = bindings ?? {};
      return app.fetch(request, bindings, ctx);
    },
  };
}
