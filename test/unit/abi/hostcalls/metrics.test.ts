import { describe, expect, it } from "vitest";
import { binExponent, isolateMetricsRegistry, LocalMetricsRegistry, prometheusBuckets } from "../../../../abi/metrics.ts";
import { MetricType, Status } from "../../../../abi/types.ts";
import { startProbe, type Probe, type StartOptions } from "../support/harness.ts";

const OUT = 100;
const NAME = 200;
/** The first address past the probe's 4 pages of memory. */
const BEYOND = 4 * 65536;
const U64_MAX = 2n ** 64n - 1n;

async function probeWithMetrics(options: StartOptions = {}) {
  const metrics = new LocalMetricsRegistry();
  return { metrics, probe: await startProbe({ services: { metrics }, ...options }) };
}

function define(probe: Probe, type: number, name: string): { status: number; id: number } {
  probe.put(OUT, new Uint8Array(4));
  const [n, len] = probe.put(NAME, name);
  const status = probe.call(probe.plugin.root, "proxy_define_metric", type, n, len, OUT);
  return { status, id: probe.u32(OUT) };
}

function get(probe: Probe, id: number): { status: number; value: bigint } {
  const status = probe.call(probe.plugin.root, "proxy_get_metric", id, OUT);
  return { status, value: probe.u64(OUT) };
}

const increment = (probe: Probe, id: number, delta: bigint) => probe.call(probe.plugin.root, "proxy_increment_metric", id, delta);
const record = (probe: Probe, id: number, value: bigint) => probe.call(probe.plugin.root, "proxy_record_metric", id, value);

describe("metric host calls", () => {
  it("defines counters, gauges and histograms with distinct non-zero ids", async () => {
    const { probe } = await probeWithMetrics();
    const ids = [MetricType.Counter, MetricType.Gauge, MetricType.Histogram].map((type) => define(probe, type, `m${type}`));
    for (const { status, id } of ids) {
      expect(status).toBe(Status.Ok);
      expect(id).not.toBe(0);
    }
    expect(new Set(ids.map(({ id }) => id)).size).toBe(3);
  });

  it("redefining a name with the same type answers the same id", async () => {
    const { probe } = await probeWithMetrics();
    const first = define(probe, MetricType.Counter, "requests");
    expect(define(probe, MetricType.Counter, "requests")).toEqual(first);
  });

  it("an unknown type, or a name already used with another type, is BadArgument", async () => {
    const { probe } = await probeWithMetrics();
    expect(define(probe, 3, "x").status).toBe(Status.BadArgument);
    expect(define(probe, 0xffffffff, "x").status).toBe(Status.BadArgument);
    define(probe, MetricType.Counter, "requests");
    expect(define(probe, MetricType.Gauge, "requests").status).toBe(Status.BadArgument);
  });

  it("a counter adds positive i64 deltas (BigInt) and ignores non-positive ones with OK", async () => {
    const { probe } = await probeWithMetrics();
    const { id } = define(probe, MetricType.Counter, "c");
    expect(increment(probe, id, 5n)).toBe(Status.Ok);
    expect(increment(probe, id, 0n)).toBe(Status.Ok);
    expect(increment(probe, id, -3n)).toBe(Status.Ok);
    expect(increment(probe, id, 2n)).toBe(Status.Ok);
    expect(get(probe, id)).toEqual({ status: Status.Ok, value: 7n });
  });

  it("record on a counter adds the u64 value", async () => {
    const { probe } = await probeWithMetrics();
    const { id } = define(probe, MetricType.Counter, "c");
    increment(probe, id, 1n);
    expect(record(probe, id, 10n)).toBe(Status.Ok);
    expect(get(probe, id).value).toBe(11n);
  });

  it("a gauge adds signed deltas, record sets it, and a negative value reads back as its u64 bits", async () => {
    const { probe } = await probeWithMetrics();
    const { id } = define(probe, MetricType.Gauge, "g");
    expect(increment(probe, id, 10n)).toBe(Status.Ok);
    expect(increment(probe, id, -4n)).toBe(Status.Ok);
    expect(get(probe, id).value).toBe(6n);
    expect(record(probe, id, 42n)).toBe(Status.Ok);
    expect(get(probe, id).value).toBe(42n);
    expect(increment(probe, id, -43n)).toBe(Status.Ok);
    expect(get(probe, id).value).toBe(U64_MAX);
  });

  it("u64 values above 2^63 pass through the i64 argument intact", async () => {
    const { probe } = await probeWithMetrics();
    const { id } = define(probe, MetricType.Gauge, "big");
    // The wasm i64 parameter carries the bits; JS hands the host call a negative BigInt.
    expect(record(probe, id, BigInt.asIntN(64, U64_MAX - 1n))).toBe(Status.Ok);
    expect(get(probe, id).value).toBe(U64_MAX - 1n);
  });

  it("a histogram records samples into log2 bins; increment and get are BadArgument", async () => {
    const { probe, metrics } = await probeWithMetrics();
    const { id } = define(probe, MetricType.Histogram, "latency_ms");
    for (const value of [0n, 1n, 2n, 3n, 4n, 5n, 1000n, 2n ** 40n]) expect(record(probe, id, value)).toBe(Status.Ok);
    expect(increment(probe, id, 1n)).toBe(Status.BadArgument);
    expect(get(probe, id).status).toBe(Status.BadArgument);
    expect(metrics.snapshot()).toEqual([
      {
        filter: "probe",
        name: "latency_ms",
        fullName: "pw:probe:latency_ms",
        type: "histogram",
        bins: [
          { le: 1n, count: 2n },
          { le: 2n, count: 1n },
          { le: 4n, count: 2n },
          { le: 8n, count: 1n },
          { le: 1024n, count: 1n },
          { le: null, count: 1n },
        ],
        count: 8n,
        sum: 1015n + 2n ** 40n,
      },
    ]);
  });

  it("log2 binning puts v in the smallest power of two ≥ v, up to 2^32, then +Inf", () => {
    expect([0n, 1n, 2n, 3n, 4n, 5n, 2n ** 32n, 2n ** 32n + 1n].map(binExponent)).toEqual([0, 0, 1, 2, 2, 3, 32, 33]);
  });

  it("histogram bins become cumulative Prometheus buckets with +Inf last", () => {
    expect(prometheusBuckets([{ le: 1n, count: 2n }, { le: 4n, count: 3n }, { le: null, count: 1n }])).toEqual([
      ["1", 2n],
      ["4", 5n],
      ["+Inf", 6n],
    ]);
    expect(prometheusBuckets([{ le: 8n, count: 1n }])).toEqual([
      ["8", 1n],
      ["+Inf", 1n],
    ]);
  });

  it("an unknown id is NotFound for increment, record and get", async () => {
    const { probe } = await probeWithMetrics();
    expect(increment(probe, 77, 1n)).toBe(Status.NotFound);
    expect(record(probe, 77, 1n)).toBe(Status.NotFound);
    expect(get(probe, 77).status).toBe(Status.NotFound);
  });

  it("names live per filter: the snapshot shows filter, full name, type and value", async () => {
    const metrics = new LocalMetricsRegistry();
    const a = await startProbe({ services: { metrics }, filter: "auth" });
    const b = await startProbe({ services: { metrics }, filter: "rate-limit" });
    const inA = define(a, MetricType.Counter, "hits");
    const inB = define(b, MetricType.Gauge, "hits");
    expect(inA.status).toBe(Status.Ok);
    expect(inB.status).toBe(Status.Ok);
    expect(inA.id).not.toBe(inB.id);
    increment(a, inA.id, 3n);
    record(b, inB.id, 9n);
    expect(metrics.snapshot()).toEqual([
      { filter: "auth", name: "hits", fullName: "pw:auth:hits", type: "counter", value: 3n },
      { filter: "rate-limit", name: "hits", fullName: "pw:rate-limit:hits", type: "gauge", value: 9n },
    ]);
  });

  it("a VM rebuilt for the same filter finds its metric again, with its value", async () => {
    const metrics = new LocalMetricsRegistry();
    const before = await startProbe({ services: { metrics } });
    const { id } = define(before, MetricType.Counter, "requests");
    increment(before, id, 4n);
    const after = await startProbe({ services: { metrics } });
    expect(define(after, MetricType.Counter, "requests").id).toBe(id);
    expect(get(after, id).value).toBe(4n);
  });

  it("without host services metrics go to the isolate-local registry", async () => {
    const filter = `isolate-${Math.random()}`;
    const probe = await startProbe({ filter });
    const { id } = define(probe, MetricType.Counter, "n");
    increment(probe, id, 2n);
    expect(isolateMetricsRegistry().snapshot()).toContainEqual({ filter, name: "n", fullName: `pw:${filter}:n`, type: "counter", value: 2n });
  });

  it("out-of-bounds names and out-slots are InvalidMemoryAccess", async () => {
    const { probe, metrics } = await probeWithMetrics();
    const root = probe.plugin.root;
    const [n, len] = probe.put(NAME, "m");
    expect(probe.call(root, "proxy_define_metric", MetricType.Counter, BEYOND - 1, 2, OUT)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_define_metric", MetricType.Counter, n, len, BEYOND - 2)).toBe(Status.InvalidMemoryAccess);
    expect(metrics.snapshot()).toEqual([]);
    const { id } = define(probe, MetricType.Counter, "m");
    expect(probe.call(root, "proxy_get_metric", id, BEYOND - 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_get_metric", id, 0xffffffff)).toBe(Status.InvalidMemoryAccess);
  });
});
