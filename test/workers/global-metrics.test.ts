import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isolateMetricsRegistry, type MetricSnapshot } from "../../abi/metrics.ts";
import { MetricType } from "../../abi/types.ts";
import { adminWorker, bundledFilters } from "./support/admin-worker.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - paths: ["/"]
`;

/** What another isolate of the deployment reported: its own counts of the same metrics. */
const otherIsolate: MetricSnapshot[] = [
  { filter: "limiter", name: "denied", fullName: "pw:limiter:denied", type: "counter", value: 5n },
  { filter: "limiter", name: "in_flight", fullName: "pw:limiter:in_flight", type: "gauge", value: 2n },
  {
    filter: "limiter",
    name: "latency",
    fullName: "pw:limiter:latency",
    type: "histogram",
    bins: [{ le: 4n, count: 1n }, { le: null, count: 1n }],
    count: 2n,
    sum: 10_000_000_000n,
  },
];

describe("filter metrics across isolates", () => {
  it("GET /metrics shows the sum over every isolate that reported to the state service", async () => {
    const registry = isolateMetricsRegistry();
    registry.increment(registry.define("limiter", MetricType.Counter, "denied").id, 3n);
    registry.increment(registry.define("limiter", MetricType.Gauge, "in_flight").id, 1n);
    registry.record(registry.define("limiter", MetricType.Histogram, "latency").id, 3n);
    const metrics = env.PROXY_WASM_STATE.get(env.PROXY_WASM_STATE.idFromName("metrics"));
    await metrics.reportMetrics("another-isolate", otherIsolate);

    const worker = adminWorker(CONFIG, { PROXY_WASM_STATE: env.PROXY_WASM_STATE });
    const text = await (await worker.admin("/metrics")).text();
    expect(text).toContain("pw_limiter_denied 8\n");
    expect(text).toContain("pw_limiter_in_flight 3\n");
    expect(text).toContain('pw_limiter_latency_bucket{le="4"} 2\n');
    expect(text).toContain('pw_limiter_latency_bucket{le="+Inf"} 3\npw_limiter_latency_sum 10000000003\npw_limiter_latency_count 3\n');
  });

  it("reports an isolate's metrics with its requests, at most once per interval", async () => {
    const worker = adminWorker(CONFIG, { PROXY_WASM_STATE: env.PROXY_WASM_STATE });
    const registry = isolateMetricsRegistry();
    registry.increment(registry.define("reporter", MetricType.Counter, "seen").id, 1n);
    await worker.fetch("/anything");
    const metrics = env.PROXY_WASM_STATE.get(env.PROXY_WASM_STATE.idFromName("metrics"));
    const global = await metrics.globalMetrics();
    expect(global.find((m) => m.fullName === "pw:reporter:seen")).toMatchObject({ type: "counter" });
  });
});

describe("label_patterns of a filter's meta.json (Kong 3.9)", () => {
  it("pulls labels out of metric names", async () => {
    bundledFilters.labelled = {
      abi: "0.2.1",
      size: 1,
      imports: [],
      meta: { metrics: { label_patterns: [{ label: "route", pattern: "(_route=([^_]+))" }, { label: "status", pattern: "(_status=(\\d+))" }] } } as never,
    };
    const registry = isolateMetricsRegistry();
    registry.increment(registry.define("labelled", MetricType.Counter, "requests_route=r1_status=200").id, 2n);
    registry.increment(registry.define("labelled", MetricType.Counter, "requests_route=r2_status=500").id, 1n);
    const text = await (await adminWorker(CONFIG).admin("/metrics")).text();
    expect(text).toContain('pw_labelled_requests{route="r1",status="200"} 2\npw_labelled_requests{route="r2",status="500"} 1\n');
    delete bundledFilters.labelled;
  });
});
