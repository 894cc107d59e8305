/**
 * What the admin endpoints read: the live gateway, the bundle and the counters.
 * @module
 */
import type { Hono } from "hono";
import type { GatewayBundle } from "../bundle.ts";
import type { ConfigKv } from "./config-store.ts";
import type { LiveGateway } from "./live-gateway.ts";
import type { FilterMetricSample, GatewayMetrics } from "./metrics.ts";
import type { AdminEnv } from "./settings.ts";

/** Bindings the admin API reads besides its own settings. */
export interface AdminBindings extends AdminEnv {
  /** Workers KV namespace holding the config posted with `POST /config`. */
  CONFIG_KV?: ConfigKv;
}

/** Shared state of the admin endpoints of one isolate. */
export interface AdminContext {
  live: LiveGateway;
  bundle: GatewayBundle;
  metrics: GatewayMetrics;
  /** Filter metrics (`proxy_define_metric`), when the ABI layer's registry is wired in. */
  filterMetrics?: () => readonly FilterMetricSample[] | Promise<readonly FilterMetricSample[]>;
  /** When this isolate started serving (ms since the epoch). */
  startedAt: number;
}

/** The admin Hono app type. */
export type AdminApp = Hono<{ Bindings: AdminBindings }>;
