/**
 * Part 1: requests per second on `workerd serve`, one case at a time, each on a fresh workerd.
 * @module
 */
import { loadavg } from "node:os";
import { measureLoad, type LoadOptions, type LoadResult } from "./load.ts";
import { cpuMs } from "./proc-stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

/** Which server a case measures. */
export type Target = "upstream" | "bare" | "passthrough" | "middleware" | "proxyWasm" | "gateway";

export interface ThroughputCase {
  id: string;
  label: string;
  target: Target;
  path: string;
  /** The case the ratio column divides by (case b at the same body size). */
  baseline: string;
  /** Checks one response before the load (a case that answers errors measures nothing). */
  check(response: Response, body: Uint8Array): string | null;
}

export interface ThroughputResult extends LoadResult {
  id: string;
  label: string;
  baseline: string;
  /** CPU of the workerd process per request, in µs (null for the upstream-only case). */
  workerdCpuUsPerRequest: number | null;
  /** workerd CPU time over wall time, in % of one core. */
  workerdCpuPercent: number | null;
  /** 1-minute load average when the case ended: other work on the machine skews a case. */
  loadAverage: number;
}

const KIB64 = 64 * 1024;
const MIB = 1024 * 1024;

const ok = (response: Response) => (response.status === 200 ? null : `status ${response.status}`);
const hasHeader = (name: string, count = 1) => (response: Response) =>
  ok(response) ?? ((response.headers.get(name)?.split(", ").length ?? 0) >= count ? null : `no ${name} header`);
const sized = (size: number, prefix = "") => (response: Response, body: Uint8Array) => {
  if (response.status !== 200) return `status ${response.status}`;
  if (body.length !== size + prefix.length) return `body of ${body.length} bytes, expected ${size + prefix.length}`;
  const head = new TextDecoder().decode(body.subarray(0, prefix.length));
  return head === prefix ? null : `body starts with ${JSON.stringify(head)}, expected ${JSON.stringify(prefix)}`;
};

export const CASES: readonly ThroughputCase[] = [
  { id: "a", label: "(a) upstream directly", target: "upstream", path: "/", baseline: "b", check: ok },
  { id: "bare", label: "bare fetch passthrough worker (the limit)", target: "bare", path: "/", baseline: "b", check: ok },
  { id: "b", label: "(b) Hono passthrough worker", target: "passthrough", path: "/", baseline: "b", check: ok },
  { id: "c", label: "(c) gateway, no filters", target: "gateway", path: "/none/", baseline: "b", check: ok },
  { id: "d", label: "(d) gateway, 1 header filter (greeting)", target: "gateway", path: "/greeting/", baseline: "b", check: hasHeader("x-greeting") },
  { id: "tiny", label: "gateway, 1 tiny WAT header filter", target: "gateway", path: "/tiny/", baseline: "b", check: hasHeader("x-tiny") },
  { id: "rust", label: "gateway, 1 Rust-SDK-shaped header filter (WAT)", target: "gateway", path: "/rust/", baseline: "b", check: hasHeader("x-sdk") },
  { id: "rust5", label: "gateway, 5 Rust-SDK-shaped header filters (WAT)", target: "gateway", path: "/rust-five/", baseline: "b", check: hasHeader("x-sdk", 5) },
  { id: "e", label: "(e) gateway, 5 filters (greeting ×5)", target: "gateway", path: "/five/", baseline: "b", check: hasHeader("x-greeting", 5) },
  { id: "g", label: "(g) gateway, largest filter (synthetic 2.4 MB)", target: "gateway", path: "/large/", baseline: "b", check: hasHeader("x-large") },
  { id: "h", label: "(h) Hono middleware adding X-Greeting", target: "middleware", path: "/", baseline: "b", check: hasHeader("x-greeting") },
  { id: "m", label: "(m) proxyWasm() Hono middleware, greeting filter", target: "proxyWasm", path: "/greeting/", baseline: "b", check: hasHeader("x-greeting") },
  { id: "m-tiny", label: "(m-tiny) proxyWasm() Hono middleware, tiny WAT header filter", target: "proxyWasm", path: "/tiny/", baseline: "b", check: hasHeader("x-tiny") },
  { id: "b-64k", label: "(b) Hono passthrough, 64 KiB response", target: "passthrough", path: `/bytes/${KIB64}`, baseline: "b-64k", check: sized(KIB64) },
  { id: "c-64k", label: "(c) gateway, no filters, 64 KiB response", target: "gateway", path: `/none/bytes/${KIB64}`, baseline: "b-64k", check: sized(KIB64) },
  { id: "f-64k", label: "(f) gateway, body-rewrite, 64 KiB response", target: "gateway", path: `/body-rewrite/bytes/${KIB64}`, baseline: "b-64k", check: sized(KIB64, "RESP:") },
  { id: "b-1m", label: "(b) Hono passthrough, 1 MiB response", target: "passthrough", path: `/bytes/${MIB}`, baseline: "b-1m", check: sized(MIB) },
  { id: "c-1m", label: "(c) gateway, no filters, 1 MiB response", target: "gateway", path: `/none/bytes/${MIB}`, baseline: "b-1m", check: sized(MIB) },
  { id: "f-1m", label: "(f) gateway, body-rewrite, 1 MiB response", target: "gateway", path: `/body-rewrite/bytes/${MIB}`, baseline: "b-1m", check: sized(MIB, "RESP:") },
];

export interface Servers {
  upstream: string;
  workers: Record<Exclude<Target, "upstream">, BundledWorker>;
}

async function checkCase(testCase: ThroughputCase, url: string): Promise<void> {
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  const problem = testCase.check(response, body);
  if (problem) throw new Error(`case ${testCase.label}: ${url} answered wrongly (${problem})`);
}

/** Runs one case: fresh workerd (unless the upstream itself is measured), check, warm-up, load. */
export async function runCase(testCase: ThroughputCase, servers: Servers, load: LoadOptions): Promise<ThroughputResult> {
  const common = { id: testCase.id, label: testCase.label, baseline: testCase.baseline };
  if (testCase.target === "upstream") {
    const url = servers.upstream + testCase.path;
    await checkCase(testCase, url);
    return { ...common, ...(await measureLoad(url, load)), workerdCpuUsPerRequest: null, workerdCpuPercent: null, loadAverage: loadavg()[0] };
  }
  const workerd = await startWorkerd(servers.workers[testCase.target]);
  try {
    const url = workerd.url + testCase.path;
    await checkCase(testCase, url);
    // CPU is read around the whole warm-up + measurement; only the measured part is counted.
    const warmup = { ...load, seconds: load.warmupSeconds, warmupSeconds: 0 };
    if (load.warmupSeconds > 0) await measureLoad(url, warmup);
    const cpuBefore = cpuMs(workerd.pid);
    const result = await measureLoad(url, { ...load, warmupSeconds: 0 });
    const cpu = cpuMs(workerd.pid) - cpuBefore;
    return {
      ...common,
      ...result,
      workerdCpuUsPerRequest: result.requests > 0 ? (cpu * 1000) / result.requests : null,
      workerdCpuPercent: (cpu / (load.seconds * 1000)) * 100,
      loadAverage: loadavg()[0],
    };
  } finally {
    await workerd.child.stop();
  }
}
