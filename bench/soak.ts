/**
 * Soak: sustained load through a chain of SDK-built filters (the Go- and Rust-SDK-shaped guests
 * and the AssemblyScript greeting filter) on `workerd serve`, sampling every window: requests,
 * failures, workerd RSS and the isolate's JS heap (through workerd's inspector). Then the same
 * samples while idle, to see memory return toward its plateau.
 *
 *   npx tsx bench/soak.ts [--minutes=5] [--connections=200] [--window=30] [--idle=60]
 *
 * Prints a table and writes bench/results/soak-<time>.json.
 * @module
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { freePort, Inspector } from "./inspector.ts";
import { rssBytes } from "./proc-stats.ts";
import { numberOption, runScript } from "./script.ts";
import { startUpstream } from "./upstream.ts";
import { bundleGateway, startWorkerd } from "./workerd.ts";

const CHAIN = [
  { name: "go-sdk-add-header", from: "build/guests/go-sdk-add-header.wasm" },
  { name: "rust-sdk-add-header", from: "build/guests/rust-sdk-add-header.wasm" },
  { name: "greeting", from: "build/filters/greeting.wasm", config: '{"my_greeting": "soak"}' },
];

interface Sample {
  phase: "load" | "idle";
  /** Seconds since the load started. */
  at: number;
  requests: number;
  failures: number;
  rssMiB: number;
  heapUsedMiB: number | null;
  heapTotalMiB: number | null;
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

async function main(): Promise<void> {
  const minutes = numberOption("minutes", 5);
  const connections = numberOption("connections", 200);
  const windowSeconds = numberOption("window", 30);
  const idleSeconds = numberOption("idle", 60);
  const dir = join(BENCH_BUILD, "soak");
  const filters = join(dir, "filters");
  await mkdir(filters, { recursive: true });
  for (const filter of CHAIN) await copyFile(join(REPO_ROOT, filter.from), join(filters, `${filter.name}.wasm`));
  const upstream = await startUpstream();
  const entries = CHAIN.map((f) => `              - name: ${f.name}${f.config ? `\n                config: '${f.config}'` : ""}`).join("\n");
  const config = join(dir, "kong.yml");
  await writeFile(
    config,
    `_format_version: "3.0"\nservices:\n  - name: upstream\n    url: ${upstream.url}\n    routes:\n      - paths: ["/chain"]\n        filter_chains:\n          - filters:\n${entries}\n`,
  );
  const worker = await bundleGateway("gateway (soak chain)", config, filters, join(dir, "bundle"), false);
  const inspectorPort = await freePort();
  const workerd = await startWorkerd(worker, [`--inspector-addr=127.0.0.1:${inspectorPort}`]);
  const inspector = await Inspector.connect(inspectorPort);
  const url = `${workerd.url}/chain`;
  const samples: Sample[] = [];
  const started = performance.now();
  const sample = async (phase: Sample["phase"], requests: number, failures: number) => {
    const usage = await heap(inspector);
    const entry: Sample = {
      phase,
      at: Math.round((performance.now() - started) / 1000),
      requests,
      failures,
      rssMiB: round1(rssBytes(workerd.pid) / MIB),
      heapUsedMiB: usage ? round1(usage.used / MIB) : null,
      heapTotalMiB: usage ? round1(usage.total / MIB) : null,
    };
    samples.push(entry);
    console.log(`[soak] ${entry.phase} ${entry.at}s: ${requests} requests, ${failures} failed, RSS ${entry.rssMiB} MiB, heap ${entry.heapUsedMiB ?? "?"} / ${entry.heapTotalMiB ?? "?"} MiB`);
  };
  try {
    await sample("load", 0, 0);
    const windows = Math.max(1, Math.round((minutes * 60) / windowSeconds));
    for (let i = 0; i < windows; i++) {
      const result = await autocannon({ url, connections, duration: windowSeconds, pipelining: 1 });
      await sample("load", result.requests.total, result.non2xx + result.errors + result.timeouts);
    }
    for (let waited = 0; waited < idleSeconds; waited += windowSeconds) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(windowSeconds, idleSeconds - waited) * 1000));
      await sample("idle", 0, 0);
    }
  } finally {
    inspector.socket.close();
    await workerd.child.stop();
    await upstream.child.stop();
  }
  const afterFirstMinute = samples.find((s) => s.phase === "load" && s.at >= 60) ?? samples[1];
  const lastLoad = [...samples].reverse().find((s) => s.phase === "load")!;
  const total = samples.reduce((sum, s) => sum + s.requests, 0);
  const failed = samples.reduce((sum, s) => sum + s.failures, 0);
  console.log(`\n| phase | s | requests | failed | RSS MiB | JS heap used / total MiB |\n|---|---:|---:|---:|---:|---:|`);
  for (const s of samples) console.log(`| ${s.phase} | ${s.at} | ${s.requests} | ${s.failures} | ${s.rssMiB} | ${s.heapUsedMiB ?? "–"} / ${s.heapTotalMiB ?? "–"} |`);
  console.log(
    `\n${total} requests, ${failed} failed; RSS after the first minute ${afterFirstMinute.rssMiB} MiB, at the end of the load ${lastLoad.rssMiB} MiB (×${round1(lastLoad.rssMiB / afterFirstMinute.rssMiB)}), after idling ${samples.at(-1)!.rssMiB} MiB; peak JS heap ${Math.max(...samples.map((s) => s.heapUsedMiB ?? 0))} MiB.`,
  );
  const out = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify({ minutes, connections, windowSeconds, samples }, null, 2) + "\n");
}

runScript(main);
