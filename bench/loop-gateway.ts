/**
 * The bench gateway with an entry that can loop requests through it inside workerd: a request
 * to `/__loop/<n>/<path>` runs `<path>` through the gateway n times with the upstream `fetch`
 * replaced by an in-memory response (20 bytes, the headers a node upstream sends).
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { finish, hasGlobalState, type BundledWorker } from "./workerd.ts";

/** Replaces the entry's export with one that can loop requests through the gateway. */
const LOOP_EXPORT = `
const inner = $FACTORY($BUNDLE);
const UPSTREAM_HEADERS = [["content-type", "text/plain"], ["date", "Mon, 07 Dec 2026 04:00:00 GMT"], ["connection", "keep-alive"], ["keep-alive", "timeout=5"], ["content-length", "20"]];
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const loop = /^\\/__loop\\/(\\d+)(\\/.*)$/.exec(url.pathname);
    if (!loop) return inner.fetch(request, env, ctx);
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response("01234567890123456789", { headers: UPSTREAM_HEADERS });
    try {
      for (let i = 0; i < Number(loop[1]); i++) await (await inner.fetch(new Request(url.origin + loop[2], request), env, ctx)).arrayBuffer();
    } finally {
      globalThis.fetch = realFetch;
    }
    return new Response("ok");
  },
};
`;

/**
 * The bench gateway built by the checkout at `root`, with the looping entry. The workerd config
 * is this checkout's, in binary form, whatever `root` would write: builds compare by their code,
 * not by how workerd was started.
 */
export async function loopGateway(root: string, name: string, config: string, filters: string): Promise<BundledWorker> {
  const { build } = (await import(join(root, "cli/build.ts"))) as typeof import("../cli/build.ts");
  const out = join(BENCH_BUILD, "bundles", `loop-${name}`);
  await build({ config, filters, filtersExplicit: true, out });
  const entryFile = join(out, "entry.js");
  const entry = await readFile(entryFile, "utf8");
  const factory = /export default (\w+)\((\{ config, modules, filters(?:, bufferSwitch)? \})\);/.exec(entry);
  if (!factory) throw new Error(`${entryFile}: no export to replace`);
  await writeFile(entryFile, entry.replace(factory[0], LOOP_EXPORT.replace("$FACTORY", factory[1]).replace("$BUNDLE", factory[2])));
  return finish(name, out, hasGlobalState(root));
}

