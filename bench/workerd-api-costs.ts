/**
 * What single Workers runtime operations cost inside workerd: the ones the gateway's request
 * paths are made of (header copies and conversions, URL parsing, timers, responses). Each is
 * repeated 500 times per request to bench/workers/api-costs-worker.js; workerd's CPU time per
 * request, minus that of the empty loop, divided by 500, is one operation's cost.
 *
 *   npx tsx bench/workerd-api-costs.ts        (also a part of `npm run bench`)
 * @module
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workerdBinary } from "../cli/package-paths.ts";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import type { MicroResult } from "./micro/report-line.ts";
import { cpuMs } from "./proc-stats.ts";
import { startProcess } from "./processes.ts";
import { median } from "./stats.ts";

const REPEAT = 500;
const WORKER = fileURLToPath(new URL("./workers/api-costs-worker.js", import.meta.url));
const HEADERS = { "user-agent": "autocannon", accept: "*/*" };

async function startWorker(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const dir = join(BENCH_BUILD, "api-costs");
  await mkdir(dir, { recursive: true });
  const capnp = join(dir, "workerd.capnp");
  // capnp embeds are read relative to the config file.
  await copyFile(WORKER, join(dir, "worker.js"));
  await writeFile(
    capnp,
    [
      `using Workerd = import "/workerd/workerd.capnp";`,
      `const config :Workerd.Config = (`,
      `  services = [(name = "main", worker = .worker)],`,
      `  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],`,
      `);`,
      `const worker :Workerd.Worker = (modules = [(name = "worker.js", esModule = embed "worker.js")], compatibilityDate = "2026-04-20");`,
      ``,
    ].join("\n"),
  );
  const child = startProcess(workerdBinary(), ["serve", capnp, "--control-fd=3"], { stdio: ["ignore", "ignore", "inherit", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("workerd did not listen within 30 s")), 30_000);
    child.process.stdio[3]!.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.startsWith("{")) continue;
        const event = JSON.parse(line) as { event?: string; port?: number };
        if (event.event === "listen" && event.port) {
          clearTimeout(timer);
          resolve(event.port);
        }
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.stop() };
}

/** µs of workerd CPU per request to `path`, over `requests` sequential requests. */
async function cpuPerRequest(url: string, pid: number, requests: number): Promise<number> {
  const get = async () => void (await (await fetch(url, { headers: HEADERS })).arrayBuffer());
  for (let i = 0; i < 20; i++) await get();
  const before = cpuMs(pid);
  for (let i = 0; i < requests; i++) await get();
  return ((cpuMs(pid) - before) * 1000) / requests;
}

export async function measureApiCosts(quick: boolean, log: (message: string) => void): Promise<MicroResult[]> {
  const worker = await startWorker();
  try {
    const names = (await (await fetch(worker.url)).json()) as string[];
    const requests = quick ? 40 : 150;
    const rounds = quick ? 1 : 3;
    const samples = new Map<string, number[]>(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const name of names) samples.get(name)!.push(await cpuPerRequest(`${worker.url}/${encodeURIComponent(name)}`, worker.pid, requests));
    }
    const loop = median(samples.get(names[0])!);
    const results: MicroResult[] = [];
    for (const name of names.slice(1)) {
      const perOperation = (median(samples.get(name)!) - loop) / REPEAT;
      log(`  ${name}: ${perOperation.toFixed(2)} µs`);
      results.push({ group: "workerd runtime operations (CPU per operation)", name, value: perOperation, unit: "µs" });
    }
    return results;
  } finally {
    await worker.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureApiCosts(process.argv.includes("--quick"), console.log).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
