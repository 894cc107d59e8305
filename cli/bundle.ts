/**
 * Bundles a build with `wrangler deploy --dry-run`, the same bundler a real deploy uses, and
 * lists the modules it wrote for a runtime that is not wrangler (plain workerd).
 * @module
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { runQuietly } from "./child-process.ts";
import { CliError } from "./cli-error.ts";
import { wranglerScript } from "./package-paths.ts";
import type { WorkerModule } from "./workerd-config.ts";

/** The main module wrangler writes for `main = "entry.js"`. */
const MAIN_MODULE = "entry.js";

/**
 * Bundles `<outDir>/wrangler.toml` into `<outDir>/dist` and returns its modules, main first,
 * with `embed` paths relative to `outDir`.
 */
export async function bundleWithWrangler(outDir: string): Promise<WorkerModule[]> {
  const dist = join(outDir, "dist");
  await rm(dist, { recursive: true, force: true });
  await runQuietly(
    process.execPath,
    [wranglerScript(), "deploy", "--dry-run", "--outdir", dist, "-c", join(outDir, "wrangler.toml")],
    { env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    "bundling with wrangler deploy --dry-run",
  );
  return distModules(dist);
}

/** Matches the top-level relative imports wrangler leaves in the bundle for non-JS modules. */
const RELATIVE_IMPORT = /^import\s+[\w$]+\s+from\s+"\.\/([^"]+)";?\s*$/gm;

/**
 * The modules of a dry-run output folder: the bundle plus every module it imports, named
 * exactly as imported (wrangler prefixes each `.wasm` with its hash). Other files (README.md,
 * the source map) are not modules.
 */
async function distModules(dist: string): Promise<WorkerModule[]> {
  let main: string;
  try {
    main = await readFile(join(dist, MAIN_MODULE), "utf8");
  } catch {
    throw new CliError(`wrangler wrote no ${MAIN_MODULE} into ${dist}`);
  }
  const modules: WorkerModule[] = [{ name: MAIN_MODULE, kind: "esModule", embed: `dist/${MAIN_MODULE}` }];
  for (const [, file] of main.matchAll(RELATIVE_IMPORT)) {
    if (!file.endsWith(".wasm")) throw new CliError(`the bundle imports ${file}, a module type serve does not support`);
    modules.push({ name: file, kind: "wasm", embed: `dist/${file}` });
  }
  return modules;
}
