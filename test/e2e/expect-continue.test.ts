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
  work = await mkdtemp(join(tmpdir(), "pww-expect-"));
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
