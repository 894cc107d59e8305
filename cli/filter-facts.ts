/**
 * What the worker's admin API shows about a bundled filter (ABI version, size, imports) and the
 * metadata it validates run-time configs with: only the build can read the `.wasm` bytes.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { BundledFilter } from "../worker/bundle.ts";
import type { FolderFilter } from "./filters-folder.ts";

const ABI_MARKER = /^proxy_abi_version_(0_1_0|0_2_0|0_2_1)$/;

/** Reads and compiles `filter` (already verified as Proxy-Wasm) and describes it for the bundle. */
export async function describeFilter(filter: FolderFilter): Promise<BundledFilter> {
  const bytes = await readFile(filter.path);
  const module = await WebAssembly.compile(bytes);
  const markers = WebAssembly.Module.exports(module)
    .map((entry) => ABI_MARKER.exec(entry.name)?.[1])
    .filter((version): version is string => version !== undefined)
    .sort();
  const facts: BundledFilter = {
    // The newest version a module declares is the one the host speaks with it.
    abi: (markers.at(-1) ?? "unknown").replaceAll("_", "."),
    size: bytes.byteLength,
    imports: WebAssembly.Module.imports(module).map((entry) => `${entry.module}.${entry.name}`),
  };
  if (filter.meta) facts.meta = filter.meta;
  return facts;
}
