/**
 * The chain of one `proxyWasm()` middleware in one isolate: its plugins (one VM each, started on
 * first use and rebuilt after a trap, as in the gateway) and the run of a request through them
 * around the app's handler, which stands where the gateway fetches its upstream.
 * @module
 */
import { runTickIfDue } from "../../abi/timers.ts";
import { LogLevel } from "../../abi/types.ts";
import type { FilterEntry, GatewayConfig } from "../../config/model.ts";
import type { ChainPlugin } from "../chain.ts";
import { consoleHost } from "../console-host.ts";
import { kongError } from "../kong-errors.ts";
import type { GatewayOptions } from "../options.ts";
import { PluginPool } from "../plugin-pool.ts";
import { proxy, type AppHandler } from "../proxy.ts";
import type { VmHost } from "../../abi/host-api.ts";
import { newRequestId } from "../request-id.ts";
import { appConfig } from "./app-config.ts";
import type { AppChainPlan } from "./options.ts";


/** Who the middleware's own log lines name. */
const LOG_SUBJECT = "proxyWasm";

export class AppChain {
  readonly #config: GatewayConfig;
  readonly #pool: PluginPool;
  readonly #host: VmHost;
  readonly #options: GatewayOptions;
  /** The enabled entries, each with the key its plugin is pooled under. */
  readonly #plan: { key: string; entry: FilterEntry }[];

  constructor(plan: AppChainPlan) {
    this.#config = appConfig(plan.entries);
    this.#options = plan.options;
    this.#host = consoleHost(plan.options.logLevel);
    this.#pool = new PluginPool(this.#config, plan.modules, this.#host, plan.options);
    this.#plan = plan.entries.flatMap((entry, position) => (entry.enabled ? [{ key: `app:${position}`, entry }] : []));
  }

  /**
   * Runs `request` through the chain: request phases, then `handler` (unless a filter answered),
   * then the response phases on what it returned.
   */
  async run(request: Request, handler: AppHandler, waitUntil: (promise: Promise<unknown>) => void): Promise<Response> {
    // Workers have no background timers: due ticks run when requests come.
    if (this.#pool.ticking) this.#runDueTicks();
    const requestId = newRequestId();
    const receivedAt = Date.now();
    const plugins: ChainPlugin[] = [];
    for (const { key, entry } of this.#plan) {
      const got = this.#pool.get(key, entry);
      const slot = got instanceof Promise ? await got : got;
      if (slot.ok) plugins.push({ plugin: slot.plugin, failurePolicy: entry.failurePolicy });
      else if (entry.failurePolicy === "fail_closed") {
        this.#log(`request ${requestId} failed: ${slot.failure.message}`);
        return kongError("filterFailure", requestId, receivedAt);
      }
    }
    if (plugins.length === 0) return handler(request);
    return proxy({
      request,
      url: new URL(request.url),
      route: this.#config.routes[0],
      service: this.#config.services[0],
      matchedPath: null,
      plugins,
      requestId,
      receivedAt,
      options: this.#options,
      log: (message) => this.#log(`request ${requestId}: ${message}`),
      // Only an upstream request carries it; the handler is no next hop.
      traceparent: "",
      waitUntil,
      handler,
    });
  }

  #runDueTicks(): void {
    for (const plugin of this.#pool.plugins) {
      // A trapping tick is logged by the VM, which is rebuilt on its next request.
      try {
        void runTickIfDue(plugin.vm, plugin.root);
      } catch {
        // logged by the VM
      }
    }
  }

  #log(message: string): void {
    this.#host.log(LOG_SUBJECT, LogLevel.Error, message);
  }
}
