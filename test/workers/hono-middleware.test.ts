/**
 * `proxyWasm()` inside workerd: real filters around a Hono app's own handlers.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/errors.ts";
import { proxyWasm } from "../../worker/hono/index.ts";
import type { ProxyWasmOptions } from "../../worker/hono/options.ts";
import { modules } from "./support/modules.ts";

const GREETING = '{"my_greeting": "Hello from a Hono app"}';

/** An app with `middleware` on /api/*, handlers that echo what they saw, and one path outside /api. */
function appWith(options: ProxyWasmOptions): { app: Hono; handled: Request[] } {
  const handled: Request[] = [];
  const app = new Hono();
  app.use("/api/*", proxyWasm(options));
  app.all("/api/*", async (c) => {
    handled.push(c.req.raw);
    return c.json({ url: c.req.url, method: c.req.method, body: await c.req.text() }, 200, { "x-handler": "yes" });
  });
  app.get("/other", (c) => c.text("not filtered"));
  return { app, handled };
}

describe("proxyWasm() around a handler", () => {
  it("adds the greeting filter's header to the handler's responses under /api/* and leaves other paths alone", async () => {
    const { app, handled } = appWith({ filters: { greeting: modules.greeting }, chain: [{ name: "greeting", config: GREETING }] });
    const api = await app.request("http://app.test/api/hello?x=1");
    expect(api.status).toBe(200);
    expect(api.headers.get("x-greeting")).toBe("Hello from a Hono app");
    expect(api.headers.get("x-handler")).toBe("yes");
    expect(await api.json()).toEqual({ url: "http://app.test/api/hello?x=1", method: "GET", body: "" });
    // Nothing Kong puts on proxied responses: the handler is no upstream.
    for (const name of ["via", "x-kong-upstream-latency", "x-kong-proxy-latency", "x-kong-request-id"]) expect(api.headers.get(name)).toBeNull();

    // The handler reads the client's host as before the chain.
    expect(handled[0].headers.get("host")).toBe("app.test");

    const other = await app.request("http://app.test/other");
    expect(other.headers.get("x-greeting")).toBeNull();
    expect(await other.text()).toBe("not filtered");
  });

  it("lets request phases rewrite the body the handler reads, and response phases the body it returned", async () => {
    const { app, handled } = appWith({ filters: { "body-rewrite": modules["body-rewrite"] }, chain: [{ name: "body-rewrite" }] });
    const response = await app.request("http://app.test/api/echo", { method: "POST", body: "hello" });
    const text = await response.text();
    expect(text.startsWith("RESP:")).toBe(true);
    expect(JSON.parse(text.slice("RESP:".length))).toMatchObject({ method: "POST", body: "REQ:hello" });
    // The handler saw no Kong upstream headers.
    expect(handled[0].headers.get("x-forwarded-for")).toBeNull();
    expect(handled[0].headers.get("via")).toBeNull();
  });

  it("never lets the handler take a streamed body a filter stopped for a complete one", async () => {
    const read: string[] = [];
    const app = new Hono();
    app.use("/api/*", proxyWasm({ filters: { "body-rewrite": modules["body-rewrite"] }, chain: [{ name: "body-rewrite" }], bodyBufferLimit: 16 }));
    app.post("/api/upload", async (c) => {
      read.push(await c.req.text());
      return c.text("stored");
    });
    const chunks = ["0123456789", "0123456789", "0123456789"];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const response = await app.request(new Request("http://app.test/api/upload", { method: "POST", body, duplex: "half" } as RequestInit));
    expect(response.status).toBe(413);
    expect(read).toEqual([]);
  });

  it("answers with a filter's local response without calling the handler", async () => {
    const { app, handled } = appWith({ filters: { control: modules["adversarial-control"] }, chain: [{ name: "control", config: "local-many" }] });
    const response = await app.request("http://app.test/api/secret");
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("first");
    expect(handled).toHaveLength(0);
  });

  it("shares one VM between requests, fails only the request whose filter traps, and rebuilds the VM", async () => {
    const { app, handled } = appWith({ filters: { trap: modules["trap-when-asked"] }, chain: [{ name: "trap" }] });
    expect((await app.request("http://app.test/api/a")).headers.get("x-survived")).toBe("1");
    expect((await app.request("http://app.test/api/b")).headers.get("x-survived")).toBe("2");
    const trapped = await app.request("http://app.test/api/c", { headers: { "x-trap": "1" } });
    expect(trapped.status).toBe(500);
    expect(await trapped.json()).toMatchObject({ message: "An unexpected error occurred" });
    expect(handled).toHaveLength(2);
    expect((await app.request("http://app.test/api/d")).headers.get("x-survived")).toBe("1");
  });

  it("calls the handler despite a trap when the entry is fail_open", async () => {
    const { app, handled } = appWith({ filters: { trap: modules["trap-when-asked"] }, chain: [{ name: "trap", failure_policy: "fail_open" }] });
    const response = await app.request("http://app.test/api/c", { headers: { "x-trap": "1" } });
    expect(response.status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it("runs the chain in order and skips disabled entries", async () => {
    const { app } = appWith({
      filters: { greeting: modules.greeting, trap: modules["trap-when-asked"] },
      chain: [
        { name: "trap", enabled: false },
        { name: "greeting", config: GREETING },
      ],
    });
    const response = await app.request("http://app.test/api/x", { headers: { "x-trap": "1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("Hello from a Hono app");
  });
});

describe("proxyWasm() options", () => {
  function mistakes(options: unknown): string {
    try {
      proxyWasm(options as ProxyWasmOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("proxyWasm() accepted the options");
  }

  it("names every mistake with its path in the options, when the middleware is created", () => {
    const message = mistakes({
      filters: { greeting: modules.greeting, trap: modules["trap-when-asked"], broken: new Uint8Array([0, 97, 115, 109]) },
      chain: [
        { name: "greeting", config: GREETING },
        { name: "greeting", config: { my_greeting: "an object needs a config_schema" } },
        { name: "gretting" },
        { name: "greeting", failure_policy: "fail_later" },
        { name: "trap", shared_state: "global" },
      ],
      pauseTimeoutMs: -1,
      logLevel: "loud",
      upstream: "http://example.test",
    });
    expect(message.split("\n")).toEqual([
      "proxyWasm() upstream: unknown option",
      "proxyWasm() filters.broken: expected a WebAssembly.Module (import the filter's .wasm file), got object",
      "proxyWasm() chain[1].config: wrong type: expected one of string, null, got object",
      'proxyWasm() chain[2].name: no such filter "gretting" (filters folder { greeting, trap } of the filters option)',
      expect.stringMatching(/^proxyWasm\(\) chain\[3\]\.failure_policy: /),
      expect.stringMatching(/^proxyWasm\(\) chain\[4\]\.shared_state: only "isolate" here/),
      "proxyWasm() pauseTimeoutMs: expected a positive number, got -1",
      "proxyWasm() logLevel: expected one of: trace, debug, info, warn, error, critical",
    ]);
  });

  it("requires filters and a non-empty chain", () => {
    expect(mistakes({})).toBe("proxyWasm() filters: required option missing\nproxyWasm() chain: required option missing");
    expect(mistakes({ filters: {}, chain: [] })).toBe("proxyWasm() chain: length must be at least 1");
  });

  it("validates a JSON config against the filter's config_schema when the filter comes with its meta", () => {
    const meta = { config_schema: { type: "object", properties: { my_greeting: { type: "string" } }, required: ["my_greeting"] } };
    expect(mistakes({ filters: { greeting: { module: modules.greeting, meta } }, chain: [{ name: "greeting", config: { my_greeting: 3 } }] })).toMatch(
      /^proxyWasm\(\) chain\[0\]\.config: /,
    );
  });

  it("takes a JSON config as JSON text for a filter with a config_schema", async () => {
    const meta = { config_schema: { type: "object", properties: { my_greeting: { type: "string" } } } };
    const { app } = appWith({ filters: { greeting: { module: modules.greeting, meta } }, chain: [{ name: "greeting", config: { my_greeting: "from JSON" } }] });
    expect((await app.request("http://app.test/api/x")).headers.get("x-greeting")).toBe("from JSON");
  });
});
