/**
 * `npm run bench`: every benchmark of docs/benchmarks.md in one run on this machine, writing
 * bench/results/<time>.json, bench/results/latest.json and bench/results/latest.md.
 *
 *   npm run bench                      all parts (about 5 minutes)
 *   npm run bench -- --quick           short runs, to check that everything works
 *   npm run bench -- --only=throughput,cold-start,big-body,api-costs,micro,global-state
 *   npm run bench -- --only=throughput --cases=b,h,b,c   chosen throughput cases, in this order
 *
 * Every process it starts (upstream, workerd, microbenchmarks) is stopped at the end, on an
 * error and on Ctrl-C (bench/processes.ts).
 * @module
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureBigBody, type BigBodyResult } from "./big-body.ts";
import { measureColdStart, measureFirstUse } from "./cold-start.ts";
import { DEFAULT_LOAD, type LoadOptions } from "./load.ts";
import { describeMachine } from "./machine.ts";
import { prepareBench, targetWorkers } from "./prepare.ts";
import { runMicro } from "./micro/run-all.ts";
import { measureApiCosts } from "./workerd-api-costs.ts";
import { measureGlobalState, renderGlobalStateTable } from "./global-state.ts";
import { runScript } from "./script.ts";
import { renderMarkdown, type RunResults } from "./report.ts";
import { CASES, runCase, type ThroughputCase } from "./throughput.ts";

const PARTS = ["throughput", "cold-start", "big-body", "api-costs", "micro", "global-state"] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: string[]): { quick: boolean; parts: Set<Part>; cases: ThroughputCase[] } {
  const quick = argv.includes("--quick");
  const caseIds = argv.find((arg) => arg.startsWith("--cases="))?.slice("--cases=".length);
  const cases = caseIds
    ? caseIds.split(",").map((id) => {
        const found = CASES.find((c) => c.id === id);
        if (!found) throw new Error(`unknown case "${id}" (cases: ${CASES.map((c) => c.id).join(", ")})`);
        return found;
      })
    : [...CASES];
  const only = argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
  const parts = new Set<Part>(only ? (only.split(",") as Part[]) : PARTS);
  for (const part of parts) if (!PARTS.includes(part)) throw new Error(`unknown part "${part}" (parts: ${PARTS.join(", ")})`);
  return { quick, parts, cases };
}

const log = (message: string) => console.log(`[bench] ${message}`);

async function main(): Promise<void> {
  const { quick, parts, cases } = parseArgs(process.argv.slice(2));
  const load: LoadOptions = quick ? { connections: DEFAULT_LOAD.connections, seconds: 2, warmupSeconds: 1 } : DEFAULT_LOAD;
  const coldRuns = quick ? 3 : 9;
  const results: RunResults = {
    startedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    machine: describeMachine(`autocannon 8.0.0 (in the bench process)`),
    load,
    throughput: [],
    coldStart: [],
    firstUse: [],
    bigBody: [],
    micro: [],
  };

  log("preparing filters and bundles");
  const prepared = await prepareBench();
  const { upstream, filterPaths: paths, gateway, example, exampleGatewayOnly, passthrough, empty } = prepared;
  log(`upstream on ${upstream.url}`);

  if (parts.has("throughput")) {
    for (const testCase of cases) {
      log(`throughput ${testCase.label}`);
      const result = await runCase(testCase, { upstream: upstream.url, workers: targetWorkers(prepared) }, load);
      log(`  ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, failures ${result.failures}`);
      results.throughput.push(result);
    }
  }
  if (parts.has("cold-start")) {
    for (const [worker, path] of [[example, "/"], [exampleGatewayOnly, "/"], [passthrough, "/"], [empty, "/"]] as const) {
      log(`cold start ${worker.name}`);
      results.coldStart.push(await measureColdStart(worker, path, coldRuns));
    }
    for (const [route, filter] of [["/greeting/", "greeting"], ["/large/", "large-filter"]]) {
      log(`first use of ${filter}`);
      results.firstUse.push(await measureFirstUse(gateway, route, (await stat(paths[filter])).size, quick ? 2 : 5));
    }
  }
  if (parts.has("big-body")) {
    for (const direction of ["response", "request"] as const) {
      for (const route of ["/none", "/headers-only", "/greeting"]) {
        log(`100 MiB ${direction} body through ${route}`);
        const result: BigBodyResult = await measureBigBody(gateway, route, direction);
        log(`  RSS ${result.rssBeforeMiB} → peak ${result.rssPeakMiB} → ${result.rssAfterMiB} MiB in ${result.seconds} s`);
        results.bigBody.push(result);
      }
    }
  }
  await upstream.child.stop();
  if (parts.has("api-costs")) {
    log("workerd runtime operations");
    results.micro.push(...(await measureApiCosts(quick, log)));
  }
  if (parts.has("micro")) results.micro.push(...(await runMicro(quick, log)));
  let globalState = "";
  if (parts.has("global-state")) {
    log("global state: isolate, global without and with the read cache");
    const measured = await measureGlobalState({ requests: quick ? 200 : 1000, rounds: quick ? 1 : 3, seconds: quick ? 2 : 10 }, log);
    results.globalState = measured;
    globalState = `\n## Global state\n\n${renderGlobalStateTable(measured)}\n`;
  }

  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(dir, { recursive: true });
  const json = JSON.stringify(results, null, 2) + "\n";
  await writeFile(join(dir, `${results.startedAt.replace(/[:.]/g, "-")}.json`), json);
  await writeFile(join(dir, "latest.json"), json);
  const markdown = renderMarkdown(results) + globalState;
  await writeFile(join(dir, "latest.md"), markdown);
  console.log("\n" + markdown);
}

runScript(main);
