/**
 * `GET /status` (Kong's node status, reduced to what an isolate knows) and `GET /metrics` (Prometheus).
 * @module
 */
import { deriveId } from "../../config/ids.ts";
import type { AdminApp, AdminContext } from "./context.ts";
import { filterChains } from "./entities.ts";
import { filterFamilies, renderPrometheus, type MetricFamily } from "./metrics.ts";
import { json } from "./responses.ts";

export function statusEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/status", (c) => {
    const running = ctx.live.running;
    return json({
      server: { total_requests: ctx.metrics.totalRequests, started_at: new Date(ctx.startedAt).toISOString() },
      // Kong DB-less reports a hash of the running config; equal hashes mean equal configs.
      configuration_hash: deriveId("config", JSON.stringify(running.config)).replaceAll("-", ""),
      config: {
        version: running.version,
        origin: running.origin,
        loaded_at: new Date(running.loadedAt).toISOString(),
        services: running.config.services.length,
        routes: running.config.routes.length,
        filter_chains: filterChains(running.config).length,
      },
      config_store: c.env?.CONFIG_KV ? "kv" : null,
      filters: Object.keys(ctx.bundle.modules).sort(),
      // The isolate's JS heap is not visible from inside workerd; each VM's linear memory is.
      memory: { vms: running.gateway.vmMemory.map((vm) => ({ filter: vm.filter, plugin: vm.key, linear_memory_bytes: vm.bytes, failed: vm.failed })) },
    });
  });

  app.get("/metrics", async () => {
    const vms = ctx.live.running.gateway.vmMemory;
    const memory: MetricFamily = {
      name: "pw_vm_linear_memory_bytes",
      help: "Linear memory of each started VM of this isolate",
      type: "gauge",
      samples: vms.map((vm) => ({ labels: { filter: vm.filter, plugin: vm.key }, value: vm.bytes })),
    };
    const families = [...ctx.metrics.samples(), ...(vms.length > 0 ? [memory] : []), ...filterFamilies((await ctx.filterMetrics?.()) ?? [])];
    return new Response(renderPrometheus(families), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
  });
}
