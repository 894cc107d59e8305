import { request } from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type Echo, type EchoUpstream } from "../../cli/echo-upstream.ts";
import { REPO_ROOT, startCli, type BackgroundCli } from "./support/cli-process.ts";

let work: string;
let upstream: EchoUpstream;
let cli: BackgroundCli;
let url: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pww-proxying-"));
  upstream = await startEchoUpstream({ port: 0 });
  await mkdir(join(work, "filters"), { recursive: true });
  await writeFile(
    join(work, "kong.yml"),
    `_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:${upstream.port}
    routes:
      - paths: ["/plain"]
      - paths: ["/filtered"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "hi"}' }] }]
`,
  );
  cli = startCli(["serve", "--config", "kong.yml", "--filters", join(REPO_ROOT, "build/filters"), "--out", "out", "--port", "0"], work);
  [, url] = await cli.waitFor(/serving kong\.yml on (http:\/\/\S+)/, 90_000);
}, 240_000);

afterAll(async () => {
  await cli?.stop();
  await upstream?.close();
  await rm(work, { recursive: true, force: true });
});

/**
 * A POST the way curl sends a body over 1 MB: `Expect: 100-continue`, then the body once the
 * server says 100 Continue, or after a second without an answer (curl's default wait).
 */
function postExpectingContinue(target: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let sent = false;
    const req = request(target, { method: "POST", headers: { expect: "100-continue", "content-type": "application/octet-stream", "content-length": body.length } });
    const send = () => {
      if (sent) return;
      sent = true;
      req.end(body);
    };
    req.on("continue", send);
    setTimeout(send, 1000);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
  });
}

describe("uploads with Expect: 100-continue (curl's way for bodies over 1 MB)", () => {
  for (const route of ["/plain", "/filtered"]) {
    it(`are proxied whole through ${route}`, async () => {
      const body = Buffer.alloc(3 * 1024 * 1024, "x");
      const answer = await postExpectingContinue(`${url}${route}`, body);
      expect(answer.status, answer.text.slice(0, 300)).toBe(200);
      const echo = JSON.parse(answer.text) as Echo;
      expect(echo.body.length).toBe(body.length);
      expect(echo.headers.expect).toBeUndefined();
    }, 60_000);
  }
});

/** A GET with headers Node's fetch would not send as given (Host). */
function get(target: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.end();
  });
}

describe("what the upstream learns about the client under serve", () => {
  for (const route of ["/plain", "/filtered"]) {
    it(`gets the connection's address, the listening port and a traceparent, and the request leaves one access-log line (${route})`, async () => {
      const port = new URL(url).port;
      // A forged CF-Connecting-IP and a Host naming another port change nothing.
      const answer = await get(`${url}${route}/x`, { host: "gateway.example:1234", "cf-connecting-ip": "203.0.113.9" });
      expect(answer.status, answer.text.slice(0, 300)).toBe(200);
      const echo = JSON.parse(answer.text) as Echo;
      expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
      expect(echo.headers["x-real-ip"]).toBe("127.0.0.1");
      expect(echo.headers["x-forwarded-port"]).toBe(port);
      expect(echo.headers["x-forwarded-host"]).toBe("gateway.example");
      expect(echo.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const requestId = answer.headers["x-kong-request-id"] as string;
      const traceId = echo.headers.traceparent.slice(3, 35);
      const [line] = await cli.waitFor(new RegExp(`^\\{"time":"[^"]+","request_id":"${requestId}".*$`, "m"), 10_000);
      expect(JSON.parse(line)).toMatchObject({ request_id: requestId, trace_id: traceId, client_ip: "127.0.0.1", path: `${route}/x`, status: 200 });
      expect(cli.output().split(requestId).length - 1).toBe(1);
    }, 60_000);
  }
});

describe("a client that goes away under serve", () => {
  for (const route of ["/plain", "/filtered"]) {
    it(`while the response streams leaves its access-log line and no error (${route})`, async () => {
      const requestId = await new Promise<string>((resolve, reject) => {
        const req = request(`${url}${route}/drip/20/100`, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve(res.headers["x-kong-request-id"] as string);
          });
        });
        req.on("error", () => {});
        req.setTimeout(30_000, () => reject(new Error("no first chunk within 30 s")));
        req.end();
      });
      await cli.waitFor(new RegExp(`"request_id":"${requestId}"`), 10_000);
      // The upstream would have dripped for 2 s more: give the gateway the time to notice.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const lines = cli.output().split("\n").filter((line) => line.includes(requestId));
      expect(lines).toHaveLength(1);
      expect(cli.output()).not.toMatch(/\[error\]|uncaught|exception/i);
    }, 60_000);
  }
});
