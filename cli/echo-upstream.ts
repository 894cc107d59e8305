/**
 * A small HTTP upstream that answers every request with a JSON echo of it
 * (method, path, query, headers, body), like httpbin's `/anything`. Three paths behave like
 * httpbin's: `/status/<code>` answers that status, `/delay/<ms>` waits before answering,
 * `/drip/<lines>/<ms>` sends its headers at once and then a line every `<ms>`; `/drip-sized/...`
 * does the same with a `content-length`; `/gzip...` answers the echo gzip-encoded.
 * Behind `serve --echo-upstream PORT`; used by the quick start and by the tests.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";

export interface EchoUpstream {
  port: number;
  close(): Promise<void>;
}

/** What the echo upstream answers, as JSON. */
export interface Echo {
  method: string;
  url: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://upstream.local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
  }
  const echo: Echo = {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: await readBody(req),
  };
  const drip = /^\/drip(-sized)?\/(\d+)\/(\d+)/.exec(url.pathname);
  if (drip) return dripLines(res, Math.min(Number(drip[2]), 1000), Math.min(Number(drip[3]), 30_000), drip[1] !== undefined);
  const delay = /^\/delay\/(\d+)/.exec(url.pathname);
  if (delay) await new Promise((resolve) => setTimeout(resolve, Math.min(Number(delay[1]), 30_000)));
  const status = /^\/status\/(\d{3})/.exec(url.pathname);
  const text = JSON.stringify(echo, null, 2) + "\n";
  if (url.pathname.startsWith("/gzip")) {
    const body = gzipSync(text);
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": body.length, "x-echo-upstream": "1" });
    res.end(body);
    return;
  }
  res.writeHead(status ? Number(status[1]) : 200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-echo-upstream": "1",
  });
  res.end(text);
}

/**
 * Headers at once, then `count` lines `drip <i>`, one every `everyMs`: chunked, or with a
 * `content-length` for all lines when `sized` (a small body whose bytes arrive late).
 */
async function dripLines(res: ServerResponse, count: number, everyMs: number, sized: boolean): Promise<void> {
  const length = Array.from({ length: count }, (_, i) => `drip ${i}\n`.length).reduce((a, b) => a + b, 0);
  res.writeHead(200, { "content-type": "text/plain", "x-echo-upstream": "1", ...(sized ? { "content-length": length } : {}) });
  res.flushHeaders();
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (res.destroyed) return;
    res.write(`drip ${i}\n`);
  }
  res.end();
}

/** Starts the echo upstream on 127.0.0.1 (`port: 0` picks a free port). */
export function startEchoUpstream(options: { port: number; host?: string }): Promise<EchoUpstream> {
  // Echo whatever a client sends, huge headers included (Node refuses more than 16 KiB by default
  // with a 431 and a closed connection, which would make the gateway's tests test Node).
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
