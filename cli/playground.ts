/**
 * `proxy-wasm-workers playground`: serves the playground on `--ip`/`--port` until interrupted,
 * or writes it to `--out DIR` as static files (for any static host, e.g. Workers static assets).
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { buildPlaygroundSite, type SiteFile } from "./playground-site.ts";

export interface PlaygroundOptions {
  ip: string;
  port: number;
  out: string | null;
}

/** Serves `site` on `ip:port` (0 picks a free port); resolves once it listens. */
export function servePlayground(site: Map<string, SiteFile>, ip: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname.slice(1) || "index.html";
    const file = site.get(path);
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (file === undefined) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    } else {
      response.writeHead(200, { "content-type": file.contentType, "content-length": file.body.length, "cache-control": "no-store" });
      response.end(request.method === "HEAD" ? undefined : file.body);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, ip, () => resolve(server));
  });
}

/** The command: write the site, or serve it until SIGINT/SIGTERM. */
export async function playgroundCommand(options: PlaygroundOptions): Promise<number> {
  const site = await buildPlaygroundSite();
  if (options.out !== null) {
    await mkdir(options.out, { recursive: true });
    for (const [name, file] of site) await writeFile(join(options.out, name), file.body);
    console.log(`proxy-wasm-workers wrote the playground to ${options.out} (${[...site.keys()].join(", ")})`);
    return 0;
  }
  const server = await servePlayground(site, options.ip, options.port);
  const { port } = server.address() as AddressInfo;
  console.log(`proxy-wasm-workers playground on http://${options.ip}:${port}/ (Ctrl+C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
