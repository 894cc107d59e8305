/**
 * The filters `npm run build:filters` builds, which end-to-end tests serve.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "./cli-process.ts";

export const BUILT_FILTERS = join(REPO_ROOT, "build", "filters");

/** `npm test` builds the filters first; a direct vitest run may not have. */
export function ensureBuiltFilters(): void {
  if (existsSync(join(BUILT_FILTERS, "greeting.wasm"))) return;
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const result = spawnSync(process.execPath, [tsx, "filters/build.ts"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  if (result.status !== 0) throw new Error(`filter build failed:\n${result.stdout}${result.stderr}`);
}
