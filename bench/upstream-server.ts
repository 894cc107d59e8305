/**
 * The benchmark's upstream: a minimal node http server, fast enough that it is never what is
 * measured (the JSON echo of examples/ builds a document per request). Run as its own process so
 * it does not share an event loop with the load generator. Prints `{"port":N}` once listening.
 *
 *   any GET            → 200, a fixed 20-byte body
 *   GET …/bytes/N      → N bytes with content-length (one cached buffer per size)
 *   GET …/stream/N     → N bytes in 64 KiB chunks, honouring backpressure, no content-length
 *   GET …/tagged/N/TAG → N bytes spelling TAG (bench/tagged-body.ts) with content-length;
 *                        with `?chunked`, the same in two writes a turn apart, without it
 *   POST / PUT         → reads and discards the request body, then the fixed body
 * @module
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { taggedBody } from "./tagged-body.ts";

const SMALL = Buffer.from("hello from upstream\n");
const CHUNK = Buffer.alloc(64 * 1024, "x");
const sized = new Map<number, Buffer>();
/** The largest `/bytes/N` answer; bigger bodies should use `/stream/N`. */
const MAX_BYTES = 16 * 1024 * 1024;

function sendBytes(res: ServerResponse, size: number): void {
  let body = sized.get(size);
  if (!body) sized.set(size, (body = Buffer.alloc(size, "y")));
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  res.end(body);
}

function sendStream(res: ServerResponse, size: number): void {
  res.writeHead(200, { "content-type": "application/octet-stream" });
  let left = size;
  const pump = () => {
    while (left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

/** A body each request can recognise as its own; chunked, it arrives in two pieces. */
function sendTagged(res: ServerResponse, size: number, tag: string, chunked: boolean): void {
  const body = Buffer.from(taggedBody(tag, Math.min(size, MAX_BYTES)));
  if (!chunked) {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    return void res.end(body);
  }
  res.writeHead(200, { "content-type": "text/plain" });
  const half = body.length >> 1;
  res.write(body.subarray(0, half));
  setImmediate(() => res.end(body.subarray(half)));
}

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  if (req.method === "POST" || req.method === "PUT") {
    req.resume();
    req.once("end", () => res.writeHead(200, { "content-length": SMALL.length }).end(SMALL));
    return;
  }
  const bytes = /\/bytes\/(\d+)/.exec(url);
  if (bytes) return sendBytes(res, Math.min(Number(bytes[1]), MAX_BYTES));
  const tagged = /\/tagged\/(\d+)\/([\w-]+)(\?chunked)?/.exec(url);
  if (tagged) return sendTagged(res, Number(tagged[1]), tagged[2], tagged[3] !== undefined);
  const stream = /\/stream\/(\d+)/.exec(url);
  if (stream) return sendStream(res, Number(stream[1]));
  res.writeHead(200, { "content-type": "text/plain", "content-length": SMALL.length });
  res.end(SMALL);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + "\n");
});
process.on("SIGTERM", () => process.exit(0));
