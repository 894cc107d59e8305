/**
 * Markdown for a run's results (bench/results/latest.md; docs/benchmarks.md quotes it).
 * @module
 */
import type { BigBodyResult } from "./big-body.ts";
import type { ColdStartResult, FirstUseResult } from "./cold-start.ts";
import type { GlobalStateResult } from "./global-state.ts";
import type { Machine } from "./machine.ts";
import type { MicroResult } from "./micro/report-line.ts";
import { round } from "./stats.ts";
import type { ThroughputResult } from "./throughput.ts";

export interface RunResults {
  startedAt: string;
  command: string;
  machine: Machine;
  load: { connections: number; seconds: number; warmupSeconds: number };
  throughput: ThroughputResult[];
  coldStart: ColdStartResult[];
  firstUse: FirstUseResult[];
  bigBody: BigBodyResult[];
  micro: MicroResult[];
  /** bench/global-state.ts, when that part ran. */
  globalState?: GlobalStateResult[];
}

const fmt = (value: number | null, digits = 2) => (value === null ? "–" : String(round(value, digits)));

function throughputTable(results: RunResults): string[] {
  const byId = new Map(results.throughput.map((r) => [r.id, r]));
  const lines = [
    "| case | req/s | p50 ms | p99 ms | ratio to its (b) | workerd CPU µs/req | workerd CPU % | failures | load avg |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results.throughput) {
    const base = byId.get(r.baseline);
    const ratio = base ? r.requestsPerSecond / base.requestsPerSecond : null;
    lines.push(
      `| ${r.label} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms} | ${r.p99Ms} | ${fmt(ratio)} | ${fmt(r.workerdCpuUsPerRequest, 0)} | ${fmt(r.workerdCpuPercent, 0)} | ${r.failures} | ${fmt(r.loadAverage, 1)} |`,
    );
  }
  return lines;
}

export function renderMarkdown(results: RunResults): string {
  const m = results.machine;
  const out = [
    `# Benchmark run ${results.startedAt}`,
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}, ${m.workerd}; load: ${m.loadGenerator}, ` +
      `${results.load.connections} connections, ${results.load.warmupSeconds} s warm-up + ${results.load.seconds} s per case. Rerun: \`${results.command}\`.`,
    "",
  ];
  if (results.throughput.length > 0) out.push("## Throughput on workerd serve", "", ...throughputTable(results), "");
  if (results.coldStart.length > 0) {
    // The empty worker's cold start is workerd's own start: what a worker adds is measured from it.
    const floor = results.coldStart.find((c) => c.worker === "empty-worker")?.firstResponseMs ?? null;
    out.push(
      "## Cold start (spawn → first complete response)",
      "",
      "| worker | runs | listen ms | first response ms | beyond the empty worker ms | 2nd request ms | all runs ms |",
      "|---|---:|---:|---:|---:|---:|---|",
    );
    for (const c of results.coldStart) {
      const beyond = floor === null ? null : c.firstResponseMs - floor;
      out.push(`| ${c.worker} | ${c.runs} | ${c.listenMs} | ${c.firstResponseMs} | ${fmt(beyond, 1)} | ${c.secondRequestMs} | ${c.all.join(", ")} |`);
    }
    out.push("");
  }
  if (results.firstUse.length > 0) {
    out.push("## First use of a filter (instantiate + start + lazy compile)", "", "| route | module KB | runs | first request ms | later requests ms | (first − later) ms per MB |", "|---|---:|---:|---:|---:|---:|");
    for (const f of results.firstUse) out.push(`| ${f.route} | ${round(f.moduleBytes / 1000, 1)} | ${f.runs} | ${f.firstMs} | ${f.laterMs} | ${f.msPerMB} |`);
    out.push("");
  }
  if (results.bigBody.length > 0) {
    out.push("## 100 MiB streamed through the gateway: workerd VmRSS", "", "| route | direction | status | seconds | before MiB | peak MiB | after MiB | samples |", "|---|---|---:|---:|---:|---:|---:|---:|");
    for (const b of results.bigBody) out.push(`| ${b.route} | ${b.direction} | ${b.status} | ${b.seconds} | ${b.rssBeforeMiB} | ${b.rssPeakMiB} | ${b.rssAfterMiB} | ${b.samples} |`);
    out.push("");
  }
  if (results.micro.length > 0) {
    out.push("## In-process microbenchmarks (Node, mitata)", "", "| group | benchmark | value | unit |", "|---|---|---:|---|");
    for (const r of results.micro) out.push(`| ${r.group} | ${r.name} | ${fmt(r.value, 2)} | ${r.unit} |`);
    out.push("");
  }
  return out.join("\n");
}
