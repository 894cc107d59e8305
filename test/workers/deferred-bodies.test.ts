import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createWorker } from "../../worker/index.ts";
import { gatewayFor, type WorkerFactory } from "./support/gateway.ts";

/** The upstream sends the headers at once and two lines 300 ms apart, with a `content-length`. */
const SLOW_SIZED_BODY = "/drip-sized/2/300";
const SLOW_BODY_TEXT = "drip 0\ndrip 1\n";

const CONFIG = `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: untouched
        paths: ["/untouched"]
        strip_path: true
        filter_chains: [{ filters: [{ name: rust-sdk-add-header }, { name: greeting }] }]
      - name: guarded
        paths: ["/guarded"]
        strip_path: true
        filter_chains: [{ filters: [{ name: rust-sdk-add-header }, { name: deferred-body-guard }] }]
      - name: rewrite
        paths: ["/rewrite"]
        strip_path: true
        filter_chains: [{ filters: [{ name: body-rewrite }] }]
      - name: odd
        paths: ["/odd"]
        strip_path: true
        filter_chains: [{ filters: [{ name: odd-buffer-signature }] }]
`;

const withoutBufferSwitch: WorkerFactory = (bundle) => createWorker({ ...bundle, bufferSwitch: undefined });

/** When the response's headers and the end of its body reached the client, in ms from the request. */
async function timing(response: Promise<Response>): Promise<{ headersMs: number; bodyMs: number; text: string; response: Response }> {
  const start = Date.now();
  const answered = await response;
  const headersMs = Date.now() - start;
  const text = await answered.text();
  return { headersMs, bodyMs: Date.now() - start, text, response: answered };
}

describe("deferred bodies: a small body is read only when a filter asks for it", () => {
  it("filters whose body callbacks never read the body let its bytes through as they arrive", async () => {
    const gateway = gatewayFor(CONFIG);
    const { headersMs, bodyMs, text, response } = await timing(gateway.fetchHeaders(`/untouched${SLOW_SIZED_BODY}`));
    expect(text).toBe(SLOW_BODY_TEXT);
    expect(response.headers.get("x-sdk")).toBe("rust");
    expect(response.headers.get("x-greeting")).not.toBeNull();
    expect(response.headers.get("content-length")).toBe(String(SLOW_BODY_TEXT.length));
    // The headers left before the upstream sent its last line: nobody waited for the body.
    expect(bodyMs - headersMs).toBeGreaterThanOrEqual(200);
  });

  it("without the buffer switch the same filters get the body read before their callbacks", async () => {
    const gateway = gatewayFor(CONFIG, {}, withoutBufferSwitch);
    const { headersMs, bodyMs, text } = await timing(gateway.fetchHeaders(`/untouched${SLOW_SIZED_BODY}`));
    expect(text).toBe(SLOW_BODY_TEXT);
    expect(bodyMs - headersMs).toBeLessThan(200);
  });

  it("a filter that reads the body in its callback waits for all of it, and what it writes goes out", async () => {
    const gateway = gatewayFor(CONFIG);
    const { text, response } = await timing(gateway.fetch(`/guarded${SLOW_SIZED_BODY}`));
    expect(text).toBe(`SEEN:${SLOW_BODY_TEXT}`);
    expect(response.headers.get("content-length")).toBe(String(`SEEN:${SLOW_BODY_TEXT}`.length));
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });

  it("a filter that has read a body gets later bodies read up front, and other filters' bodies still pass unread", async () => {
    const gateway = gatewayFor(CONFIG);
    for (let i = 0; i < 2; i++) {
      const { text } = await timing(gateway.fetch(`/guarded${SLOW_SIZED_BODY}`));
      expect(text).toBe(`SEEN:${SLOW_BODY_TEXT}`);
    }
    // rust-sdk-add-header ran in both chains; only deferred-body-guard's VM reads bodies.
    const { headersMs, bodyMs, text } = await timing(gateway.fetchHeaders(`/untouched${SLOW_SIZED_BODY}`));
    expect(text).toBe(SLOW_BODY_TEXT);
    expect(bodyMs - headersMs).toBeGreaterThanOrEqual(200);
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });

  it("while one stream's callback waits for its body, no other callback of that VM starts", async () => {
    const gateway = gatewayFor(CONFIG);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => timing(gateway.fetch(i % 2 ? `/guarded/drip-sized/2/50` : "/guarded/anything"))));
    for (const [i, { text, response }] of answers.entries()) {
      expect(response.status).toBe(200);
      expect(response.headers.get("x-guard")).toBe("1");
      expect(text.startsWith("SEEN:")).toBe(true);
      if (i % 2) expect(text).toBe(`SEEN:${SLOW_BODY_TEXT}`);
    }
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });

  it("a filter that rewrites request and response bodies works the same with and without the switch", async () => {
    for (const factory of [undefined, withoutBufferSwitch]) {
      const gateway = gatewayFor(CONFIG, {}, factory);
      const response = await gateway.fetch("/rewrite/anything", { method: "POST", body: "hello" });
      const text = await response.text();
      expect(text.startsWith("RESP:")).toBe(true);
      expect((JSON.parse(text.slice(5)) as { body: string }).body).toBe("REQ:hello");
      expect(response.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).length));
    }
  });

  it("a filter whose body host calls have other types than the ABI's runs with its bodies read up front", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/odd/anything");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-odd")).toBe("1");
    expect((JSON.parse(await response.text()) as { path: string }).path).toBe("/anything");
  });

  it("a content-encoded body is read before the callbacks, which are told its decoded size", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/guarded/gzip");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith("SEEN:")).toBe(true);
    expect((JSON.parse(text.slice(5)) as { path: string }).path).toBe("/gzip");
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });

  it("a filter with global state reads a deferred body the same way, its callbacks held behind the read", async () => {
    const gateway = gatewayFor(
      `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: guarded
        paths: ["/guarded"]
        strip_path: true
        filter_chains: [{ filters: [{ name: deferred-body-guard, shared_state: global }] }]
`,
      { PROXY_WASM_STATE: env.PROXY_WASM_STATE },
    );
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => timing(gateway.fetch(i % 2 ? "/guarded/drip-sized/2/50" : "/guarded/anything"))));
    for (const { text, response } of answers) {
      expect(response.status).toBe(200);
      expect(text.startsWith("SEEN:")).toBe(true);
    }
    expect(answers[1].text).toBe(`SEEN:${SLOW_BODY_TEXT}`);
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });
});
