// Compiles one AssemblyScript filter (`filters/<name>/assembly/index.ts`)
// to a Proxy-Wasm module with the options the AS SDK needs.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { writeOutputAtomically } from "./build-output.ts";

const WASI_SHIM_DIR = "node_modules/@assemblyscript/wasi-shim";

/**
 * The `use` aliases of the WASI shim, with `abort` replaced.
 *
 * The shim (console/process/Date over WASI) is needed because the SDK logs
 * through `process.stdout`. Its own config maps `abort` to `wasi_abort`
 * (stderr + `proc_exit(255)`); the SDK's README asks for its
 * `abort_proc_exit` instead, which logs and traps. Passing both `--config`
 * and `--use abort=…` does not work: asc appends the config's `use` list
 * after the command line, so the config's `abort` would win. The list is
 * therefore read from the shim's asconfig.json and passed explicitly.
 */
function wasiShimUses(repoRoot: string): string[] {
  const config = JSON.parse(readFileSync(join(repoRoot, WASI_SHIM_DIR, "asconfig.json"), "utf8")) as {
    options: { use: string[] };
  };
  return config.options.use.filter((alias) => !alias.startsWith("abort="));
}

export function assemblyScriptArgs(repoRoot: string, entry: string, outFile: string): string[] {
  const args = [
    relative(repoRoot, entry),
    "--outFile", outFile,
    "--lib", join(WASI_SHIM_DIR, "assembly"),
    ...wasiShimUses(repoRoot).flatMap((alias) => ["--use", alias]),
    "--use", "abort=abort_proc_exit",
    // Top-level code (which registers the root context factory) goes into an
    // exported `_initialize`, the WASI reactor entry every Proxy-Wasm host
    // calls once after instantiation, instead of a start section that would
    // run host calls before the host even knows the instance.
    "--exportStart", "_initialize",
    // The SDK's `malloc`/`free` pin and unpin objects of the incremental GC
    // (rt/itcms); the stub/minimal runtimes lack those functions.
    "--runtime", "incremental",
    "--optimizeLevel", "3",
    "--shrinkLevel", "0",
    "--noColors",
  ];
  // --exportRuntime is not needed: the host allocates through the SDK's own
  // `malloc` export and never calls __new/__pin.
  return args;
}

/** Compiles; throws with the compiler's diagnostics on failure. */
export async function compileAssemblyScriptFilter(repoRoot: string, entry: string, output: string): Promise<number> {
  const outFile = "filter.wasm";
  let binary: Uint8Array | undefined;
  const diagnostics: string[] = [];
  const sink = (chunks: string[]) => ({
    write(chunk: string | Uint8Array) {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    },
  });

  // Loaded on demand: importing asc instantiates binaryen, which takes
  // seconds, and most runs of the build find everything up to date.
  const { default: asc } = await import("assemblyscript/asc");
  const previousCwd = process.cwd();
  // asc resolves `--lib`, the entry and node_modules packages from the cwd.
  process.chdir(repoRoot);
  try {
    const result = await asc.main(assemblyScriptArgs(repoRoot, entry, outFile), {
      stdout: sink(diagnostics),
      stderr: sink(diagnostics),
      writeFile(filename, contents) {
        // Keep the module in memory so it can be written atomically.
        if (filename === outFile && typeof contents !== "string") binary = contents;
      },
    });
    if (result.error) {
      throw new Error(`asc failed for ${relative(repoRoot, entry)}:\n${diagnostics.join("")}${result.error.message}`);
    }
  } finally {
    process.chdir(previousCwd);
  }
  if (!binary) throw new Error(`asc produced no binary for ${relative(repoRoot, entry)}:\n${diagnostics.join("")}`);
  writeOutputAtomically(output, binary);
  return binary.byteLength;
}
