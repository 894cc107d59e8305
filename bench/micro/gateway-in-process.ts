/**
 * The whole worker in Node, without sockets: the gateway's fetch handler (worker/index.ts) and
 * the Hono passthrough of case (b), with the global `fetch` replaced by an upstream that answers
 * at once. What remains is the JS each request costs inside workerd, so the ratios here explain
 * the throughput table, and `node --cpu-prof --import tsx bench/micro/gateway-in-process.ts`
 * shows where the time goes (or BENCH_PROFILE_LOOP="(d)" BENCH_PROFILE_OUT=file.cpuprofile: the loop
 * only). The filters are fuel-metered as the build bundles them
 * (BENCH_UNMETERED=1 loads them as built, for an A/B of metering's cost).
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { dirname, join } from "node:path";
import { bench, run, summary } from "mitata";
import { readGatewayConfig } from "../../cli/read-config.ts";
import { scanFiltersFolder } from "../../cli/filters-folder.ts";
import { usedFilterNames } from "../../cli/read-config.ts";
import { prepareFiltersFolder } from "../fixtures/filters-folder.ts";
import { writeGatewayConfig } from "../fixtures/gateway-config.ts";
import { BENCH_BUILD } from "../fixtures/filters-folder.ts";
import { createWorker as createPassthrough } from "../workers/hono-passthrough.ts";
import { createWorker as createMiddleware } from "../workers/hono-header-middleware.ts";
import { reportMitata } from "./report-line.ts";
import { filterModule, isTty } from "./support.ts";

const UPSTREAM = "http://upstream.bench";
const BODY = "hello from upstream\n";

// The upstream, answered in process: same body and headers as bench/upstream-server.ts.
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  await request.body?.cancel();
  return new Response(BODY, { headers: { "content-type": "text/plain", "content-length": String(BODY.length) } });
};

const { dir, paths } = await prepareFiltersFolder();
const configFile = join(BENCH_BUILD, "bench-kong-in-process.yml");
await writeGatewayConfig(configFile, UPSTREAM);
const folder = await scanFiltersFolder(dir);
const config = await readGatewayConfig(configFile, folder, dir);
// As cli/build.ts bundles them: metered unless the filter's metadata says "metering": false.
const unmetered = process.env.BENCH_UNMETERED === "1";
const modules = Object.fromEntries(
  usedFilterNames(config).map((name) => [name, filterModule(name, paths[name], { metered: !unmetered && folder.get(name)?.meta?.metering !== false })]),
);
// worker/ is typed against @cloudflare/workers-types, which tsconfig.node.json (which checks
// bench/) does not load: a computed specifier keeps tsc from following the import.
type GatewayWorker = { fetch(request: Request, env: object, ctx: unknown): Promise<Response> };
const workerEntry = "../../worker/index.ts";
const { createWorker } = (await import(workerEntry)) as { createWorker(bundle: object): GatewayWorker };
const gateway = createWorker({ config, modules });
const passthrough = createPassthrough(UPSTREAM);
const middleware = createMiddleware(UPSTREAM);

const pending: Promise<unknown>[] = [];
const ctx = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise), passThroughOnException: () => {}, props: {} };

async function request(handler: (request: Request, env: object, ctx: never) => Response | Promise<Response>, path: string): Promise<void> {
  const response = await handler(new Request(`http://gateway.bench${path}`, { headers: { "user-agent": "bench", accept: "*/*" } }), {}, ctx as never);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: status ${response.status}`);
  // Teardown (on_done/on_log/on_delete, ticks) runs in waitUntil: part of the request's cost.
  await Promise.all(pending.splice(0));
}

const gatewayFetch = gateway.fetch.bind(gateway) as never;
const cases: [string, () => Promise<void>][] = [
  ["(b) Hono passthrough", () => request(passthrough.fetch as never, "/")],
  ["(h) Hono middleware X-Greeting", () => request(middleware.fetch as never, "/")],
  ["(c) gateway, no filters", () => request(gatewayFetch, "/none/")],
  ["(d) gateway, greeting", () => request(gatewayFetch, "/greeting/")],
  ["(e) gateway, greeting ×5", () => request(gatewayFetch, "/five/")],
];
for (const [, once] of cases) await once();

if (process.env.BENCH_PROFILE_LOOP) {
  // For --cpu-prof: a plain loop over one case, no mitata in the profile.
  const [name, once] = cases.find(([label]) => label.includes(process.env.BENCH_PROFILE_LOOP!)) ?? cases[0];
  // BENCH_PROFILE_OUT=file.cpuprofile profiles only the loop (node:inspector), without the
  // start-up (tsx compiling TypeScript, metering) that `node --cpu-prof` also records.
  const out = process.env.BENCH_PROFILE_OUT;
  const session = out ? new Session() : null;
  const post = (method: string) => new Promise<unknown>((done, fail) => session!.post(method, (error, result) => (error ? fail(error) : done(result))));
  if (session) {
    session.connect();
    await post("Profiler.enable");
    await post("Profiler.start");
  }
  const start = performance.now();
  const n = Number(process.env.BENCH_PROFILE_N ?? 50_000);
  for (let i = 0; i < n; i++) await once();
  console.log(`${name}: ${(((performance.now() - start) / n) * 1000).toFixed(2)} µs/request over ${n}`);
  if (session && out) {
    const { profile } = (await post("Profiler.stop")) as { profile: object };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(profile));
    session.disconnect();
  }
} else {
  summary(() => {
    for (const [name, once] of cases) bench(name, once);
  });
  reportMitata("whole worker in Node, upstream stubbed", await run({ colors: isTty }));
}
