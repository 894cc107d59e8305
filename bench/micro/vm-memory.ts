/**
 * Memory per VM: N started plugins of each filter; their linear memories (summed
 * `memory.buffer.byteLength`) and the process's RSS growth, fuel-metered as the build bundles
 * them. Run with --expose-gc.
 * @module
 */
import { join } from "node:path";
import { BENCH_BUILD, BUILT_FILTERS } from "../fixtures/filters-folder.ts";
import { LARGE_FUNCTIONS } from "../fixtures/large-filter.ts";
import type { Plugin } from "../../abi/plugin.ts";
import { report } from "./report-line.ts";
import { filterModule, oneRequest, startPlugin } from "./support.ts";

const VMS = Number(process.env.BENCH_VMS ?? 100);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const KIB = 1024;

const names = [...Object.keys(BUILT_FILTERS), "large-filter"];
for (const name of names) {
  const module = name === "large-filter" ? filterModule(name, join(BENCH_BUILD, `large-filter-${LARGE_FUNCTIONS}.wasm`)) : filterModule(name);
  // One VM first, so compiled code and shared host structures are not counted per VM.
  oneRequest(startPlugin(name, module));
  gc();
  const rssBefore = process.memoryUsage().rss;
  const plugins: Plugin[] = [];
  for (let i = 0; i < VMS; i++) {
    const plugin = startPlugin(name, module);
    oneRequest(plugin); // a request, so allocators have run and memory has its working size
    plugins.push(plugin);
  }
  gc();
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  const linear = plugins.reduce((sum, plugin) => sum + plugin.vm.exports.memory.buffer.byteLength, 0);
  const group = `memory per VM (${VMS} VMs, after one request each)`;
  report({ group, name: `${name}: linear memory`, value: linear / VMS / KIB, unit: "KiB/VM" });
  report({ group, name: `${name}: RSS growth`, value: rssGrowth / VMS / KIB, unit: "KiB/VM" });
  console.log(`${name}: linear ${(linear / VMS / KIB).toFixed(0)} KiB/VM, RSS +${(rssGrowth / VMS / KIB).toFixed(0)} KiB/VM`);
}
