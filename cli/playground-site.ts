/**
 * The playground as static files: `index.html`, `playground.css` and `playground.js` (the page's
 * script with `abi/` bundled for the browser by esbuild, which wrangler depends on).
 * @module
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** A static file of the site. */
export interface SiteFile {
  contentType: string;
  body: Uint8Array;
}

const PLAYGROUND = fileURLToPath(new URL("../playground/", import.meta.url));

/** Builds the site in memory: file name → file. */
export async function buildPlaygroundSite(): Promise<Map<string, SiteFile>> {
  const { build } = await import("esbuild");
  const bundled = await build({
    entryPoints: [`${PLAYGROUND}main.ts`],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    sourcemap: "inline",
    logLevel: "silent",
  });
  const site = new Map<string, SiteFile>();
  site.set("index.html", { contentType: "text/html; charset=utf-8", body: await readFile(`${PLAYGROUND}index.html`) });
  site.set("playground.css", { contentType: "text/css; charset=utf-8", body: await readFile(`${PLAYGROUND}playground.css`) });
  site.set("playground.js", { contentType: "text/javascript; charset=utf-8", body: bundled.outputFiles[0].contents });
  return site;
}
