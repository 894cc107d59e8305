import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: rewrite
        paths: ["/rewrite"]
        filter_chains: [{ filters: [{ name: body-rewrite }] }]
      - name: readonly
        paths: ["/read"]
        filter_chains: [{ filters: [{ name: body-rewrite, config: stream }] }]
`;

function chunked(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe("body rewriting", () => {
  it("a filter that buffers the request body until its end rewrites it before it reaches the upstream", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/rewrite", { method: "POST", body: chunked(["hello ", "wor", "ld"]), duplex: "half" } as RequestInit);
    const text = await response.text();
    expect(text.startsWith("RESP:")).toBe(true);
    const echo = JSON.parse(text.slice("RESP:".length)) as { body: string };
    expect(echo.body).toBe("REQ:hello world");
  });

  it("a rewritten response body gets a content-length that matches it", async () => {
    const response = await gatewayFor(CONFIG).fetch("/rewrite/x");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("RESP:");
  });

  it("a large body streams through a filter that buffers it until its end, and goes out chunked", async () => {
    const big = "x".repeat(200 * 1024);
    const response = await gatewayFor(CONFIG).fetch("/rewrite", { method: "POST", body: chunked([big.slice(0, 70000), big.slice(70000)]), duplex: "half" } as RequestInit);
    expect(response.headers.get("content-length")).toBeNull();
    const text = await response.text();
    expect(text.startsWith("RESP:")).toBe(true);
    expect((JSON.parse(text.slice(5)) as { body: string }).body).toBe(`REQ:${big}`);
  });

  it("a large streamed body reaches the filter in chunks of up to 64 KiB, not the runtime's 4 KiB", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: count
        paths: ["/count"]
        filter_chains: [{ filters: [{ name: body-chunk-count }] }]
`);
    // The echo of a 300 KB request is a 300 KB response with a content-length: streamed.
    const sent = "y".repeat(300 * 1024);
    const response = await gateway.fetch("/count", { method: "POST", body: sent });
    const text = await response.text();
    // 4 KiB reads would take 75 calls ("Z", capped); 64 KiB reads take 5 to 12 (E to L).
    expect(text[0] >= "E" && text[0] <= "L").toBe(true);
    expect((JSON.parse(text.slice(1)) as { body: string }).body).toBe(sent);
  });

  it("a large request body sent as a plain byte stream is buffered whole by a filter that waits for its end", async () => {
    const sent = "z".repeat(300 * 1024);
    const response = await gatewayFor(CONFIG).fetch("/rewrite", { method: "POST", body: sent });
    const text = await response.text();
    expect(text.startsWith("RESP:")).toBe(true);
    expect((JSON.parse(text.slice(5)) as { body: string }).body).toBe(`REQ:${sent}`);
  });

  it("a filter that only reads bodies leaves them unchanged", async () => {
    const response = await gatewayFor(CONFIG).fetch("/read", { method: "POST", body: "same as sent" });
    const echo = (await response.json()) as { body: string };
    expect(echo.body).toBe("same as sent");
  });

  it("a request body over the buffer limit gets Kong's 413", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_BODY_BUFFER_LIMIT: "16" });
    const response = await gateway.fetch("/rewrite", { method: "POST", body: chunked(["0123456789", "0123456789"]), duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toBe("Request size limit exceeded");
  });

  it("a response body over the buffer limit gets a 502", async () => {
    const response = await gatewayFor(CONFIG, { PROXY_WASM_BODY_BUFFER_LIMIT: "64" }).fetch("/rewrite");
    expect(response.status).toBe(502);
  });
});
