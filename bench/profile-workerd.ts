/**
 * A CPU profile of workerd itself under load, through its V8 inspector: the real runtime's
 * costs (native Request/Response, fetch, wasm), which the in-process Node bench only
 * approximates.
 *
 *   npx tsx bench/profile-workerd.ts d            case (d), 10 s of load after 2 s warm-up
 *   npx tsx bench/profile-workerd.ts c,d --seconds=5 --top=40
 *   npx tsx bench/profile-workerd.ts d --cold    the first request of a fresh isolate only
 *   npx tsx bench/profile-workerd.ts c,tiny --loop=200   sequential requests that each run the
 *                                                case 200 times with fetch stubbed (bench/loop-gateway.ts):
 *                                                the gateway's own JS without the network
 *
 * Writes build/bench/profiles/workerd-<case>.cpuprofile and prints its summary
 * (bench/profile-summary.ts). Profiling slows workerd: compare functions with each other.
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { freePort, Inspector } from "./inspector.ts";
import { measureLoad } from "./load.ts";
import { loopGateway } from "./loop-gateway.ts";
import { prepareBench, targetWorkers } from "./prepare.ts";
import { numberOption, runScript } from "./script.ts";
import { CASES } from "./throughput.ts";
import { startWorkerd } from "./workerd.ts";

interface SampledProfile {
  nodes: { id: number; callFrame: { functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Sampled time outside "(idle)": the isolate's busy time, a steadier figure than req/s. */
function busyMicros(profile: SampledProfile): number {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) busy += profile.timeDeltas[i] ?? 0;
  });
  return busy;
}

async function main(): Promise<void> {
  const ids = (process.argv[2] ?? "d").split(",");
  const seconds = numberOption("seconds", 10);
  const top = numberOption("top", 30);
  const cold = process.argv.includes("--cold");
  const loop = numberOption("loop", 0);
  const prepared = await prepareBench();
  if (loop > 0) prepared.gateway = await loopGateway(REPO_ROOT, "profiled", join(BENCH_BUILD, "bench-kong.yml"), join(BENCH_BUILD, "filters"));
  const workers = targetWorkers(prepared);
  const outDir = join(BENCH_BUILD, "profiles");
  await mkdir(outDir, { recursive: true });
  for (const id of ids) {
    const testCase = CASES.find((c) => c.id === id);
    if (!testCase || testCase.target === "upstream") throw new Error(`case "${id}" is not a worker case`);
    const port = await freePort();
    const workerd = await startWorkerd(workers[testCase.target], [`--inspector-addr=127.0.0.1:${port}`]);
    try {
      const url = workerd.url + testCase.path;
      const inspector = await Inspector.connect(port);
      const loopUrl = `${workerd.url}/__loop/${loop}${testCase.path}`;
      const runLoop = async (ms: number) => {
        let count = 0;
        for (const end = performance.now() + ms; performance.now() < end; count++) await (await fetch(loopUrl)).arrayBuffer();
        return count * loop;
      };
      if (loop > 0) await runLoop(2000);
      else if (!cold) await measureLoad(url, { connections: 32, seconds: 2, warmupSeconds: 0 });
      await inspector.send("Profiler.enable");
      await inspector.send("Profiler.setSamplingInterval", { interval: cold ? 50 : 100 });
      await inspector.send("Profiler.start");
      let what: string;
      let requests = 1;
      if (loop > 0) {
        requests = await runLoop(seconds * 1000);
        what = `${requests} iterations of the loop, fetch stubbed`;
      } else if (cold) {
        const started = performance.now();
        await (await fetch(url)).arrayBuffer();
        what = `first request ${(performance.now() - started).toFixed(1)} ms while profiled`;
      } else {
        const load = await measureLoad(url, { connections: 32, seconds, warmupSeconds: 0 });
        what = `${Math.round(load.requestsPerSecond)} req/s while profiled`;
        requests = load.requests;
      }
      const { profile } = await inspector.send<{ profile: SampledProfile }>("Profiler.stop");
      inspector.socket.close();
      what += `, ${(busyMicros(profile) / requests).toFixed(1)} µs sampled busy per request`;
      const file = join(outDir, `workerd-${id}${cold ? "-cold" : ""}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      console.log(`\n# ${testCase.label}: ${what} → ${file}`);
      console.log(execFileSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "bench/profile-summary.ts"), file, String(top), String(requests)], { encoding: "utf8" }));
    } finally {
      await workerd.child.stop();
    }
  }
  await prepared.upstream.child.stop();
}

runScript(main);
