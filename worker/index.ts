/**
 * Entry of the gateway worker: `createWorker(bundle)` is what the generated entry module exports.
 * The gateway (router, plans, plugins) is built once per isolate, on the first request.
 * @module
 */
import type { GatewayBundle } from "./bundle.ts";
import { createApp } from "./app.ts";
import { consoleHost, parseLogLevel } from "./console-host.ts";
import { Gateway } from "./gateway.ts";

export type { GatewayBundle } from "./bundle.ts";
export { Gateway } from "./gateway.ts";

/** Bindings the gateway reads. */
export interface GatewayEnv {
  /** Filter log level: trace, debug, info (default), warn, error, critical. */
  PROXY_WASM_LOG_LEVEL?: string;
}

export function createWorker(bundle: GatewayBundle): ExportedHandler<GatewayEnv> {
  let gateway: Gateway | null = null;
  let env: GatewayEnv = {};
  const app = createApp(() => (gateway ??= new Gateway(bundle.config, bundle.modules, consoleHost(parseLogLevel(env.PROXY_WASM_LOG_LEVEL)))));
  return {
    fetch(request, bindings, ctx) {
      env = bindings ?? {};
      return app.fetch(request, bindings, ctx);
    },
  };
}
