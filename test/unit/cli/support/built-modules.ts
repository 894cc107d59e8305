/**
 * The compiled guests and filters the author-tool tests run: `npm test` builds them first; a
 * direct vitest run builds them here when they are missing.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** `build/guests/<name>.wasm`, built from `test/fixtures/guests/<name>.wat`. */
export function guest(name: string): string {
  ensureBuilt();
  return join(REPO_ROOT, "build", "guests", `${name}.wasm`);
}

/** `build/filters/<name>.wasm`, the AssemblyScript filters of `filters/`. */
export function builtFilter(name: string): string {
  ensureBuilt();
  return join(REPO_ROOT, "build", "filters", `${name}.wasm`);
}

let built = false;

function ensureBuilt(): void {
  if (built) return;
  if (!existsSync(join(REPO_ROOT, "build", "filters", "greeting.wasm")) || !existsSync(join(REPO_ROOT, "build", "guests", "rust-sdk-add-header.wasm"))) {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const result = spawnSync(process.execPath, [tsx, "filters/build.ts"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
    if (result.status !== 0) throw new Error(`filter build failed:\n${result.stdout}${result.stderr}`);
  }
  built = true;
}
