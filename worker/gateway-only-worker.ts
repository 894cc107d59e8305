/**
 * Entry of a gateway built without the admin API (`--admin-api off`, Kong's
 * `admin_listen = off`): the bundle's config, served as it is. It leaves out everything only
 * the admin API needs (the YAML parser, the config validators, JSON Schema, Hono), which is more
 * than half of the JS a worker must parse before its first request.
 * @module
 */
import type { GatewayBundle } from "./bundle.ts";
import { consoleHost } from "./console-host.ts";
import { Gateway } from "./gateway.ts";
import { optionsFromBindings, type GatewayOptionBindings } from "./options.ts";
import { globalStateAccess, type StateNamespace } from "./state/state-service.ts";
import { answerTick, isTickRequest, TickAlarm } from "./ticks-endpoint.ts";

export { ProxyWasmState } from "./state/state-object.ts";

interface GatewayOnlyEnv extends GatewayOptionBindings {
  PROXY_WASM_STATE?: StateNamespace;
}

export function createGatewayOnlyWorker(bundle: GatewayBundle): ExportedHandler<GatewayOnlyEnv> {
  let gateway: Gateway | null = null;
  // Bindings are known only per request, so the gateway is built on first use with the bindings of then.
  const running = (env: GatewayOnlyEnv | undefined): Gateway => {
    if (gateway === null) {
      const options = optionsFromBindings(env);
      const globalState = globalStateAccess(env?.PROXY_WASM_STATE, options.stateShards, options.stateTimeoutMs, options.stateCacheMs);
      gateway = new Gateway(bundle.config, bundle.modules, consoleHost(options.logLevel), { ...options, bufferSwitch: bundle.bufferSwitch ?? null }, globalState);
    }
    return gateway;
  };
  const ticks = new TickAlarm();
  return {
    fetch(request, env, ctx) {
      const gateway = running(env);
      if (isTickRequest(request)) return answerTick(gateway, ticks, env.PROXY_WASM_STATE, ctx);
      ticks.keepArmed(gateway, env.PROXY_WASM_STATE, ctx);
      return gateway.handle(request, ctx);
    },
    /** A cron trigger (`[triggers] crons` in wrangler.toml) runs the filters' due ticks. */
    scheduled: (_controller, env) => running(env).scheduled(),
  };
}
