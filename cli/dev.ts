/**
 * `proxy-wasm-workers dev`: build, then `wrangler dev` on the result (live reload, inspector,
 * Cloudflare-like request metadata; for speed use `serve`).
 * @module
 */
import { build } from "./build.ts";
import { onTerminationSignals, startChild } from "./child-process.ts";
import type { RunOptions } from "./options.ts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderDevVars, workerSettings } from "./worker-settings.ts";
import { wranglerScript } from "./package-paths.ts";

/** Runs `wrangler dev` until it exits; returns its exit status. */
export async function dev(options: RunOptions): Promise<number> {
  const { wranglerToml, outDir } = await build(options);
  // wrangler dev reads the settings from .dev.vars beside the wrangler.toml it is given.
  await writeFile(join(outDir, ".dev.vars"), renderDevVars(await workerSettings(options)));
  const wrangler = startChild(process.execPath, [
    wranglerScript(),
    "dev",
    "-c",
    wranglerToml,
    "--ip",
    options.ip,
    "--port",
    String(options.port),
    "--show-interactive-dev-session=false",
    // Global state's Durable Objects keep their storage with the build, as under `serve`.
    "--persist-to",
    join(outDir, "state"),
  ]);
  // wrangler stops its workerd when it gets SIGTERM. SIGTERM also works when we were started
  // in the background with SIGINT ignored (children inherit that).
  const removeHandlers = onTerminationSignals(() => wrangler.stop("SIGTERM"));
  try {
    return await wrangler.exited;
  } finally {
    removeHandlers();
  }
}
