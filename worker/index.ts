/**
 * Entry of the gateway worker: `createWorker(bundle)` is what the generated entry module exports.
 * The gateway (router, plans, plugins) is built once per isolate, on the first request, and
 * rebuilt when the admin API or the config store brings a new config version.
 * @module
 */
import { isolateMetricsRegistry, type MetricSnapshot } from "../abi/metrics.ts";
import { LogLevel } from "../abi/types.ts";
import type { GatewayConfig } from "../config/model.ts";
import { createAdminApp } from "./admin/admin-app.ts";
import type { AdminBindings, AdminContext } from "./admin/context.ts";
import { filterMetricSamples } from "./admin/filter-metrics.ts";
import { applyLabelPatterns, labelPatternsOf } from "./admin/metric-labels.ts";
import { LiveGateway } from "./admin/live-gateway.ts";
import { GatewayMetrics, type FilterMetricSample } from "./admin/metrics.ts";
import type { GatewayBundle } from "./bundle.ts";
import { consoleHost } from "./console-host.ts";
import { createDispatch } from "./dispatch.ts";
import { Gateway } from "./gateway.ts";
import { optionsFromBindings, type GatewayOptionBindings } from "./options.ts";
import { GlobalMetricsReporter } from "./state/metrics-reporter.ts";
import { globalStateAccess, type StateNamespace } from "./state/state-service.ts";
import { answerTick, isTickRequest, TickAlarm } from "./ticks-endpoint.ts";

export type { BundledFilter, GatewayBundle } from "./bundle.ts";
export type { FilterMetricSample } from "./admin/metrics.ts";
export { Gateway } from "./gateway.ts";
export { ProxyWasmState } from "./state/state-object.ts";

/** Bindings the gateway reads (see worker/options.ts and worker/admin/settings.ts). */
export interface GatewayEnv extends GatewayOptionBindings, AdminBindings {
  /** The Durable Object namespace of global state (`shared_state: global`); the build binds it. */
  PROXY_WASM_STATE?: StateNamespace;
  /** Seconds between an isolate's checks of CONFIG_KV for a new config version (default 5; 0 = every request). */
  CONFIG_POLL_SECONDS?: string;
}

/** Options of {@link createWorker} beyond the bundle. */
export interface WorkerOptions {
  /** Filter metrics for the admin API's `/metrics`; default: the ABI layer's isolate-local registry. */
  filterMetrics?: () => readonly FilterMetricSample[] | Promise<readonly FilterMetricSample[]>;
}

/** Default seconds between config store checks: "within seconds" without a KV read per request. */
export const DEFAULT_CONFIG_POLL_SECONDS = 5;

function pollInterval(env: GatewayEnv): number {
  const seconds = Number(env.CONFIG_POLL_SECONDS ?? DEFAULT_CONFIG_POLL_SECONDS);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_CONFIG_POLL_SECONDS * 1000;
}

/** Filter metrics as `/metrics` shows them: with the labels each filter's meta.json pulls out of names. */
function labelled(snapshots: readonly MetricSnapshot[], bundle: GatewayBundle): FilterMetricSample[] {
  return filterMetricSamples(snapshots).map((sample) => applyLabelPatterns(sample, labelPatternsOf(bundle.filters?.[sample.filter]?.meta)));
}

export function createWorker(bundle: GatewayBundle, workerOptions: WorkerOptions = {}): ExportedHandler<GatewayEnv> {
  let env: GatewayEnv = {};
  // Bindings are known only per request, so gateways are built on first use with the bindings of then.
  const newGateway = (config: GatewayConfig) => {
    const options = optionsFromBindings(env);
    const globalState = globalStateAccess(env.PROXY_WASM_STATE, options.stateShards, options.stateTimeoutMs, options.stateCacheMs);
    return new Gateway(config, bundle.modules, consoleHost(options.logLevel), { ...options, bufferSwitch: bundle.bufferSwitch ?? null }, globalState);
  };
  const log = (message: string) => consoleHost(LogLevel.Error).log("config", LogLevel.Error, message);
  const metrics = new GatewayMetrics();
  const live = new LiveGateway(bundle, newGateway, log, metrics);
  // The metrics filters define through the isolate-local registry; with the state binding, every isolate's.
  const reporter = new GlobalMetricsReporter(() => isolateMetricsRegistry().snapshot());
  const filterMetrics = async () =>
    labelled(env.PROXY_WASM_STATE ? await reporter.globalView(env.PROXY_WASM_STATE) : isolateMetricsRegistry().snapshot(), bundle);
  const adminContext: AdminContext = { live, bundle, metrics, filterMetrics: workerOptions.filterMetrics ?? filterMetrics, startedAt: 0 };
  const ticks = new TickAlarm();
  const dispatch = createDispatch({ gateway: () => live.running.gateway, admin: createAdminApp(adminContext), metrics });
  return {
    async fetch(request, bindings, ctx) {
      env = bindings ?? {};
      // Workers freeze the clock outside requests, so the start time is taken on the first one.
      if (adminContext.startedAt === 0) adminContext.startedAt = Date.now();
      const checking = live.sync(env.CONFIG_KV, pollInterval(env));
      if (checking) await checking;
      if (env.PROXY_WASM_STATE && reporter.due()) ctx.waitUntil(reporter.report(env.PROXY_WASM_STATE));
      if (isTickRequest(request)) return answerTick(live.running.gateway, ticks, env.PROXY_WASM_STATE, ctx);
      ticks.keepArmed(live.running.gateway, env.PROXY_WASM_STATE, ctx);
      return dispatch(request, env, ctx);
    },
    /** A cron trigger (`[triggers] crons` in wrangler.toml) runs the filters' due ticks. */
    async scheduled(_controller, bindings) {
      env = bindings ?? {};
      await live.sync(env.CONFIG_KV, pollInterval(env));
      await live.running.gateway.scheduled();
    },
  };
}
