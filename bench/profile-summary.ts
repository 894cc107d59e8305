/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof` or workerd's inspector): busy time by
 * category (wasm, our JS, runtime natives called from JS, the runtime outside JS, GC), per
 * request when the request count is given; self time per function, with file and line, heaviest
 * first; and the total ("inclusive") time of the project's own functions.
 *
 *   BENCH_PROFILE_LOOP="(c)" node --cpu-prof --cpu-prof-dir=build/bench/profiles \
 *     --import tsx bench/micro/gateway-in-process.ts
 *   npx tsx bench/profile-summary.ts build/bench/profiles/<file>.cpuprofile [top] [requests]
 * @module
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  /** Samples per source line (1-based), when the profiler recorded them (the inspector does). */
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText, requestsText] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx bench/profile-summary.ts FILE.cpuprofile [top] [requests]");
const top = Number(topText ?? 30);
const requests = requestsText === undefined ? null : Number(requestsText);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/work\/main\//, "").replace(/^file:\/\//, "")}:${lineNumber + 1}` : "(native)";
  return `${functionName || "(anonymous)"} ${where}`;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  // Each function once per sample, however deep it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
});

/**
 * What a sample's own frame is: guest code, the project's JS (the bundle: entry.js, or the
 * sources under Node), a runtime function called from JS (no script: Headers, fetch, …), the
 * runtime working outside any JS frame ("(program)": I/O, HTTP, promise plumbing), or GC.
 */
function category(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)" || functionName === "(root)") return "runtime outside JS";
  if (url.startsWith("wasm://") || /^\$|wasm-function/.test(functionName)) return "wasm";
  if (url === "") return "runtime natives called from JS";
  return "our JS";
}

const categories = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const name = category(byId.get(id)!);
  categories.set(name, (categories.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const busy = total - (categories.get("idle") ?? 0);
console.log(`busy time by category${requests ? `, µs per request over ${requests} requests` : ""}:`);
for (const [name, us] of [...categories].filter(([name]) => name !== "idle").sort((a, b) => b[1] - a[1])) {
  const perRequest = requests ? `${(us / requests).toFixed(1).padStart(8)} µs  ` : "";
  console.log(`${perRequest}${((us / busy) * 100).toFixed(1).padStart(5)}%  ${name}`);
}
console.log("");

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time:`);
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);
console.log(`\ninclusive time, project files only:`);
// entry.js is a workerd profile's bundle: its line numbers point into the bundle wrangler wrote.
const own = [...inclusive].filter(([name]) => /((worker|abi|config|bench)\/|entry\.js)/.test(name) && !name.includes("node_modules"));
for (const [name, us] of own.sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);

const lineTicks = new Map<string, number>();
let allTicks = 0;
for (const node of profile.nodes) {
  for (const { line, ticks } of node.positionTicks ?? []) {
    const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*\//, "")}:${line}`;
    lineTicks.set(key, (lineTicks.get(key) ?? 0) + ticks);
    allTicks += ticks;
  }
}
if (allTicks > 0) {
  console.log(`\nhottest lines (share of the samples that carry a line):`);
  for (const [key, ticks] of [...lineTicks].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((ticks / allTicks) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}
