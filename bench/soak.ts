/**
 * Soak: sustained load through a chain of filters on `workerd serve`, sampling every window:
 * requests, failures, workerd RSS and the isolate's JS heap (through workerd's inspector). After
 * the first minute, at the end of the load and at the end of the idle time it also measures the
 * heap right after a full garbage collection, i.e. what is still referenced: a leak grows there
 * (workerd's inspector does not answer `HeapProfiler.collectGarbage`; a heap snapshot collects
 * first, so one is taken and thrown away, after RSS was read). Then the same samples while idle,
 * to see memory return toward its plateau.
 *
 *   npx tsx bench/soak.ts [--chain=sdk|body-reading] [--minutes=5] [--connections=200] [--window=30] [--idle=60]
 *
 * Chains:
 *   sdk           (default) the Go- and Rust-SDK-shaped guests and the AssemblyScript greeting
 *                 filter; no filter reads a body; every request is a plain GET of the upstream's
 *                 20-byte answer.
 *   body-reading  filters that read and rewrite the response body mixed with ones that do not,
 *                 over small bodies of known length (deferred: read only when a filter asks,
 *                 through JSPI and the VM's lock) and streamed ones; every response's body is
 *                 checked against what the filters must make of that request's own upstream
 *                 body (bench/soak-bodies.ts). A wrong body counts as a failure.
 *
 * Failures per window: non-2xx answers, connection errors, timeouts (a request unanswered after
 * 10 s: a hang) and wrong bodies. workerd's stderr goes to this script's stderr.
 * Prints a table and writes bench/results/soak-<chain>-<time>.json.
 * @module
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { freePort, Inspector } from "./inspector.ts";
import { rssBytes } from "./proc-stats.ts";
import { numberOption, runScript, textOption } from "./script.ts";
import { BodyChecks, bodyReadingChain, type SoakFilter } from "./soak-bodies.ts";
import { startUpstream } from "./upstream.ts";
import { bundleGateway, startWorkerd } from "./workerd.ts";

const SDK_CHAIN: SoakFilter[] = [
  { name: "go-sdk-add-header", from: join(REPO_ROOT, "build/guests/go-sdk-add-header.wasm") },
  { name: "rust-sdk-add-header", from: join(REPO_ROOT, "build/guests/rust-sdk-add-header.wasm") },
  { name: "greeting", from: join(REPO_ROOT, "build/filters/greeting.wasm"), config: '{"my_greeting": "soak"}' },
];

const REQUEST_TIMEOUT_SECONDS = 10;

interface Sample {
  phase: "load" | "idle";
  /** Seconds since the load started. */
  at: number;
  requests: number;
  /** Requests per second over the window (autocannon's average of its per-second counts). */
  perSecond: number | null;
  failures: number;
  /** Of the failures: requests unanswered within REQUEST_TIMEOUT_SECONDS. */
  timeouts: number;
  /** Of the failures: 200s with a wrong body (body-reading chain). */
  wrongBodies: number;
  rssMiB: number;
  heapUsedMiB: number | null;
  heapTotalMiB: number | null;
  /** Heap used right after a full garbage collection. */
  heapAfterGcMiB: number | null;
}

const MIB = 1024 * 1024;
const round1 = (value: number) => Math.round(value * 10) / 10;

async function heap(inspector: Inspector): Promise<{ used: number; total: number } | null> {
  try {
    const usage = await inspector.send<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
    return { used: usage.usedSize, total: usage.totalSize };
  } catch {
    return null;
  }
}

/** The heap used after a full collection: a heap snapshot collects garbage first (its chunks are ignored). */
async function heapAfterGc(inspector: Inspector): Promise<number | null> {
  try {
    await inspector.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } catch {
    return null;
  }
  return (await heap(inspector))?.used ?? null;
}

function kongConfig(upstream: string, chain: SoakFilter[]): string {
  const entries = chain.map((f) => `              - name: ${f.name}${f.config ? `\n                config: '${f.config}'` : ""}`).join("\n");
  return `_format_version: "3.0"\nservices:\n  - name: upstream\n    url: ${upstream}\n    routes:\n      - paths: ["/chain"]\n        filter_chains:\n          - filters:\n${entries}\n`;
}

async function main(): Promise<void> {
  const chainName = textOption("chain", "sdk");
  if (chainName !== "sdk" && chainName !== "body-reading") throw new Error(`--chain=${chainName}: sdk or body-reading`);
  const minutes = numberOption("minutes", 5);
  const connections = numberOption("connections", 200);
  const windowSeconds = numberOption("window", 30);
  const idleSeconds = numberOption("idle", 60);
  const chain = chainName === "sdk" ? SDK_CHAIN : await bodyReadingChain();
  const dir = join(BENCH_BUILD, `soak-${chainName}`);
  const filters = join(dir, "filters");
  await mkdir(filters, { recursive: true });
  for (const filter of chain) await copyFile(filter.from, join(filters, `${filter.name}.wasm`));
  const upstream = await startUpstream();
  const config = join(dir, "kong.yml");
  await writeFile(config, kongConfig(upstream.url, chain));
  const worker = await bundleGateway(`gateway (soak, ${chainName} chain)`, config, filters, join(dir, "bundle"), false);
  const inspectorPort = await freePort();
  const workerd = await startWorkerd(worker, [`--inspector-addr=127.0.0.1:${inspectorPort}`]);
  const inspector = await Inspector.connect(inspectorPort);
  const url = `${workerd.url}/chain`;
  const checks = chainName === "body-reading" ? new BodyChecks("/chain") : null;
  const samples: Sample[] = [];
  const started = performance.now();
  const sample = async (phase: Sample["phase"], window: autocannon.Result | null, wrongBodies: number, collect = false) => {
    const usage = await heap(inspector);
    const rss = rssBytes(workerd.pid);
    const afterGc = collect ? await heapAfterGc(inspector) : null;
    const failures = window ? window.non2xx + window.errors + wrongBodies : 0;
    const entry: Sample = {
      phase,
      at: Math.round((performance.now() - started) / 1000),
      requests: window?.requests.total ?? 0,
      perSecond: window ? Math.round(window.requests.average) : null,
      failures,
      timeouts: window?.timeouts ?? 0,
      wrongBodies,
      rssMiB: round1(rss / MIB),
      heapUsedMiB: usage ? round1(usage.used / MIB) : null,
      heapTotalMiB: usage ? round1(usage.total / MIB) : null,
      heapAfterGcMiB: afterGc === null ? null : round1(afterGc / MIB),
    };
    samples.push(entry);
    console.log(
      `[soak] ${entry.phase} ${entry.at}s: ${entry.requests} requests (${entry.perSecond ?? "–"}/s), ${failures} failed (${entry.timeouts} timeouts, ${wrongBodies} wrong bodies), RSS ${entry.rssMiB} MiB, heap ${entry.heapUsedMiB ?? "?"} / ${entry.heapTotalMiB ?? "?"} MiB, after GC ${entry.heapAfterGcMiB ?? "?"} MiB`,
    );
  };
  try {
    await sample("load", null, 0);
    const windows = Math.max(1, Math.round((minutes * 60) / windowSeconds));
    const firstMinute = Math.min(windows, Math.ceil(60 / windowSeconds)) - 1;
    for (let i = 0; i < windows; i++) {
      const wrongBefore = checks?.wrong ?? 0;
      const result = await autocannon({ url, connections, duration: windowSeconds, pipelining: 1, timeout: REQUEST_TIMEOUT_SECONDS, requests: checks?.requests() });
      await sample("load", result, (checks?.wrong ?? 0) - wrongBefore, i === firstMinute || i === windows - 1);
    }
    for (let waited = 0; waited < idleSeconds; waited += windowSeconds) {
      const wait = Math.min(windowSeconds, idleSeconds - waited);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      await sample("idle", null, 0, waited + wait >= idleSeconds);
    }
  } finally {
    inspector.socket.close();
    await workerd.child.stop();
    await upstream.child.stop();
  }
  report(chainName, samples, checks);
  const out = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(out, { recursive: true });
  const file = join(out, `soak-${chainName}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const checked = checks ? { checked: checks.checked, wrong: checks.wrong, examples: checks.examples } : null;
  await writeFile(file, JSON.stringify({ chain: chainName, minutes, connections, windowSeconds, idleSeconds, bodies: checked, samples }, null, 2) + "\n");
}

function report(chainName: string, samples: Sample[], checks: BodyChecks | null): void {
  // The sample after the first minute of load is the first one with a heap measured after a collection.
  const afterFirstMinute = samples.find((s) => s.phase === "load" && s.heapAfterGcMiB !== null) ?? samples[1];
  const lastLoad = [...samples].reverse().find((s) => s.phase === "load")!;
  const total = samples.reduce((sum, s) => sum + s.requests, 0);
  const failed = samples.reduce((sum, s) => sum + s.failures, 0);
  const timeouts = samples.reduce((sum, s) => sum + s.timeouts, 0);
  const cell = (value: number | null) => (value === null ? "–" : String(value));
  console.log(`\n| phase | s | requests | req/s | failed | timeouts | wrong bodies | RSS MiB | JS heap used / total MiB | heap after GC MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const s of samples) {
    console.log(`| ${s.phase} | ${s.at} | ${s.requests} | ${cell(s.perSecond)} | ${s.failures} | ${s.timeouts} | ${s.wrongBodies} | ${s.rssMiB} | ${cell(s.heapUsedMiB)} / ${cell(s.heapTotalMiB)} | ${cell(s.heapAfterGcMiB)} |`);
  }
  console.log(
    `\n${chainName} chain: ${total} requests, ${failed} failed (${timeouts} timeouts); RSS after the first minute ${afterFirstMinute.rssMiB} MiB, at the end of the load ${lastLoad.rssMiB} MiB (×${round1(lastLoad.rssMiB / afterFirstMinute.rssMiB)}), after idling ${samples.at(-1)!.rssMiB} MiB; peak JS heap ${Math.max(...samples.map((s) => s.heapUsedMiB ?? 0))} MiB, after GC after the first minute ${cell(afterFirstMinute.heapAfterGcMiB)} MiB, at the end of the load ${cell(lastLoad.heapAfterGcMiB)} MiB, after idling ${cell(samples.at(-1)!.heapAfterGcMiB)} MiB.`,
  );
  if (checks) {
    console.log(`Bodies: ${checks.checked} checked, ${checks.wrong} wrong.`);
    for (const example of checks.examples) console.log(`  wrong: ${example}`);
  }
}

runScript(main);
