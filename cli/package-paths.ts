/**
 * Where this package and the tools it drives live on disk. Resolved from this file, not the
 * cwd, so the CLI works when the package is installed inside someone else's project.
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError } from "./cli-error.ts";

const require = createRequire(import.meta.url);

/** The root folder of the proxy-wasm-workers package. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The gateway entry the generated `entry.js` imports `createWorker` from. */
export const WORKER_ENTRY = join(PACKAGE_ROOT, "worker", "index.ts");

/** The entry of a build without the admin API, exporting `createGatewayOnlyWorker`. */
export const GATEWAY_ONLY_WORKER_ENTRY = join(PACKAGE_ROOT, "worker", "gateway-only-worker.ts");

/** The JS file behind the `wrangler` bin, run with the current `node`. */
export function wranglerScript(): string {
  const manifest = require.resolve("wrangler/package.json");
  return join(dirname(manifest), "bin", "wrangler.js");
}

/**
 * The native `workerd` binary. `workerd` is a dependency of miniflare (not ours), so npm may
 * nest it under miniflare instead of hoisting it: try both places.
 */
export function workerdBinary(): string {
  const attempts = [
    () => require("workerd"),
    () => createRequire(require.resolve("miniflare"))("workerd"),
  ];
  for (const attempt of attempts) {
    try {
      const workerd = attempt() as { default?: string };
      if (typeof workerd.default === "string") return workerd.default;
    } catch {
      // try the next place
    }
  }
  throw new CliError("cannot find the workerd binary: is the \"workerd\" package installed (it comes with miniflare)?");
}
