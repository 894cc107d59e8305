/**
 * Part 4: workerd's memory while 100 MB stream through the gateway, in either direction, with no
 * filter, a filter without body callbacks (the body bypasses wasm) and the greeting filter (body
 * callbacks that continue every chunk). A flat RSS means the body streams; a rise near the body
 * size means something buffers it.
 * @module
 */
import { request } from "node:http";
import { rssBytes, sampleRss } from "./proc-stats.ts";
import { round } from "./stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

export const BIG_BODY_BYTES = 100 * 1024 * 1024;
const MIB = 1024 * 1024;

export interface BigBodyResult {
  route: string;
  direction: "response" | "request";
  bytes: number;
  seconds: number;
  status: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  samples: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Downloads `url`, discarding the body; resolves with the status and byte count. */
function download(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes }));
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

/** POSTs `size` bytes in 64 KiB chunks (chunked, honouring backpressure). */
function upload(url: string, size: number): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "z");
    const req = request(url, { method: "POST", headers: { "content-type": "application/octet-stream" } }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, bytes: size }));
    });
    req.on("error", reject);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/** One fresh workerd per measurement; a small request first, so VMs exist before "before". */
export async function measureBigBody(gateway: BundledWorker, route: string, direction: "response" | "request"): Promise<BigBodyResult> {
  const workerd = await startWorkerd(gateway);
  try {
    await (await fetch(`${workerd.url}${route}/`)).arrayBuffer();
    await sleep(300);
    const before = rssBytes(workerd.pid);
    const sampler = sampleRss(workerd.pid, 20);
    const start = performance.now();
    const { status, bytes } =
      direction === "response"
        ? await download(`${workerd.url}${route}/stream/${BIG_BODY_BYTES}`)
        : await upload(`${workerd.url}${route}/`, BIG_BODY_BYTES);
    const seconds = (performance.now() - start) / 1000;
    const { peak, samples } = sampler.stop();
    if (bytes !== BIG_BODY_BYTES) throw new Error(`${route} ${direction}: ${bytes} bytes, expected ${BIG_BODY_BYTES}`);
    await sleep(1000);
    const after = rssBytes(workerd.pid);
    return {
      route,
      direction,
      bytes,
      seconds: round(seconds),
      status,
      rssBeforeMiB: round(before / MIB, 1),
      rssPeakMiB: round(peak / MIB, 1),
      rssAfterMiB: round(after / MIB, 1),
      samples,
    };
  } finally {
    await workerd.child.stop();
  }
}
