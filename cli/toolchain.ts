/**
 * Which toolchain and SDK built a filter, told from what its module imports, exports and carries
 * in custom sections (proxy-wasm-abi.md §2.7 and §6.1). A `producers` section or Go's build id
 * is certain; otherwise the import/export pattern of each SDK makes it likely.
 * @module
 */
import type { ModuleFacts } from "./module-facts.ts";

export type Toolchain = "rust" | "go" | "tinygo" | "assemblyscript" | "cpp-emscripten" | "unknown";

/** The toolchain, how sure the guess is, and the facts it rests on. */
export interface ToolchainGuess {
  toolchain: Toolchain;
  confidence: "certain" | "likely" | "none";
  evidence: string[];
}

/** Human names for reports. */
export const TOOLCHAIN_NAMES: Record<Toolchain, string> = {
  rust: "Rust (proxy-wasm-rust-sdk)",
  go: "Go ≥1.24 wasip1 (proxy-wasm-go-sdk)",
  tinygo: "TinyGo (proxy-wasm-go-sdk)",
  assemblyscript: "AssemblyScript",
  "cpp-emscripten": "C++ / emscripten (proxy-wasm-cpp-sdk)",
  unknown: "unknown",
};

const AS_RUNTIME_EXPORTS = ["__new", "__pin", "__unpin", "__collect", "__rtti_base", "__alloc", "__retain", "__release"];
const EMSCRIPTEN_EXPORTS = ["emscripten_stack_init", "stackSave", "stackRestore", "_emscripten_stack_restore", "emscripten_stack_get_end"];
/** WASI calls that Go's syscall package links and the other SDKs' filters do not. */
const GO_SYSCALL_WASI = ["path_symlink", "path_link", "fd_readdir", "fd_filestat_set_size", "fd_fdstat_set_rights", "path_filestat_set_times"];
const TINYGO_RUNTIME_EXPORTS = ["malloc", "free", "calloc", "realloc"];

/** Guesses the toolchain from `facts`; the first rule that matches wins, certain rules first. */
export function detectToolchain(facts: ModuleFacts): ToolchainGuess {
  const exported = new Set(facts.exports);
  const imported = new Set(facts.imports.map((entry) => `${entry.module}.${entry.name}`));
  const wasiNames = new Set(facts.wasi.map((name) => name.slice(name.indexOf(".") + 1)));
  const languages = facts.producers.language ?? [];
  const processedBy = facts.producers["processed-by"] ?? [];
  const said = (values: string[], word: RegExp) => values.find((value) => word.test(value));

  if (facts.customSections.includes("go:buildid")) return certain("go", `custom section "go:buildid"`);
  const tinygo = said(processedBy, /^tinygo/i);
  if (tinygo) return certain("tinygo", `producers: processed-by ${tinygo}`);
  const emscripten = said(processedBy, /^emscripten/i);
  if (emscripten) return certain("cpp-emscripten", `producers: processed-by ${emscripten}`);
  const rust = said(languages, /^rust/i) ?? said(processedBy, /^rustc/i);
  if (rust) return certain("rust", `producers: ${rust}`);

  if (imported.has("env.abort")) return likely("assemblyscript", "imports env.abort (AssemblyScript's runtime abort)", ...present(exported, AS_RUNTIME_EXPORTS));
  const asExports = present(exported, AS_RUNTIME_EXPORTS);
  if (asExports.length >= 2) return likely("assemblyscript", ...asExports);
  if (exported.has("malloc") && !exported.has("free") && !exported.has("proxy_on_memory_allocate") && exported.has("proxy_on_request_metadata")) {
    return likely("assemblyscript", "exports malloc as its only allocator (no free)", "exports the AssemblyScript runtime's full callback list (proxy_on_request_metadata, …)");
  }
  if (imported.has("env.emscripten_notify_memory_growth")) return likely("cpp-emscripten", "imports env.emscripten_notify_memory_growth");
  const emscriptenExports = present(exported, EMSCRIPTEN_EXPORTS);
  if (emscriptenExports.length > 0) return likely("cpp-emscripten", ...emscriptenExports);
  const goSyscalls = GO_SYSCALL_WASI.filter((name) => wasiNames.has(name));
  if (goSyscalls.length >= 3 && exported.has("_initialize")) {
    return likely("go", "exports _initialize (c-shared)", `imports Go's syscall WASI set (${goSyscalls.join(", ")})`);
  }
  const runtime = present(exported, TINYGO_RUNTIME_EXPORTS);
  if (exported.has("proxy_on_memory_allocate") && runtime.length === TINYGO_RUNTIME_EXPORTS.length) {
    return likely("tinygo", "exports proxy_on_memory_allocate and the runtime's malloc/free/calloc/realloc");
  }
  if (exported.has("proxy_on_memory_allocate") && !exported.has("malloc") && (exported.has("main") || exported.has("__main_void"))) {
    return likely("rust", "exports proxy_on_memory_allocate only, with _initialize and main (proxy_wasm::main! reactor)");
  }
  return { toolchain: "unknown", confidence: "none", evidence: ["no producers section and no SDK's import/export pattern"] };
}

function certain(toolchain: Toolchain, ...evidence: string[]): ToolchainGuess {
  return { toolchain, confidence: "certain", evidence };
}

function likely(toolchain: Toolchain, ...evidence: string[]): ToolchainGuess {
  return { toolchain, confidence: "likely", evidence };
}

function present(exported: Set<string>, names: readonly string[]): string[] {
  return names.filter((name) => exported.has(name)).map((name) => `exports ${name}`);
}
