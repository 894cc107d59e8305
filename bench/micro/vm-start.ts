/**
 * Vm.create + Plugin.start for every filter the benchmark uses: what the first request of an
 * isolate (or the first after a trap) pays per plugin, once the module is compiled. In Node, V8
 * compiles eagerly-or-lazily by its own defaults; the workerd side is in cold-start.ts. Modules
 * are fuel-metered, as the build bundles them; the compile times are given for both.
 * @module
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { bench, run } from "mitata";
import { BUILT_FILTERS, REPO_ROOT, BENCH_BUILD } from "../fixtures/filters-folder.ts";
import { LARGE_FUNCTIONS } from "../fixtures/large-filter.ts";
import { report, reportMitata } from "./report-line.ts";
import { filterBytes, filterModule, isTty, startPlugin } from "./support.ts";

const largePath = join(BENCH_BUILD, `large-filter-${LARGE_FUNCTIONS}.wasm`);
const filters: [string, string][] = [...Object.entries(BUILT_FILTERS).map(([name, path]) => [name, join(REPO_ROOT, path)] as [string, string]), ["large-filter", largePath]];

for (const [name, path] of filters) {
  for (const metered of [false, true]) {
    const bytes = filterBytes(name, path, { metered });
    const start = performance.now();
    new WebAssembly.Module(bytes);
    const label = `${name}${metered ? ", metered" : ""} (${bytes.length} bytes)`;
    report({ group: "compile in Node (new WebAssembly.Module, once)", name: label, value: (performance.now() - start) * 1000, unit: "µs" });
  }
  const module = filterModule(name, path);
  const config = name === "greeting" ? JSON.stringify({ my_greeting: "hi" }) : "";
  bench(`${name} (${Math.round(statSync(path).size / 1000)} KB, metered)`, () => startPlugin(name, module, config));
}

reportMitata("Vm.create + Plugin.start", await run({ colors: isTty }));
