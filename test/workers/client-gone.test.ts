import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardConsole, gatewayFor, type TestGateway } from "./support/gateway.ts";

/**
 * A client that goes away cancels its request: workerd tears the request's I/O context down and
 * none of its pending continuations runs again. Here the request goes through `SELF` and the
 * caller aborts it, which cancels it the way a client disconnect does on Cloudflare (a local
 * `workerd serve` does not notice a disconnect before it writes the response).
 */
const CONFIG = `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: logged
        paths: ["/logged"]
        strip_path: true
        filter_chains: [{ filters: [{ name: teardown-log }] }]
      - name: paused
        paths: ["/paused"]
        strip_path: true
        filter_chains: [{ filters: [{ name: teardown-log, config: "pause" }] }]
      - name: streamed
        paths: ["/streamed"]
        strip_path: true
        filter_chains: [{ filters: [{ name: teardown-log }, { name: body-chunk-count }] }]
      - name: guarded
        paths: ["/guarded"]
        strip_path: true
        filter_chains: [{ filters: [{ name: teardown-log }, { name: deferred-body-guard }] }]
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `path` through SELF and aborts it after `afterMs`; resolves once the caller saw the abort. */
async function goAway(gateway: TestGateway, path: string, afterMs: number, options: { withoutSignal?: boolean; keepAliveMs?: number } = {}): Promise<void> {
  const client = new AbortController();
  const answer = gateway.fetchThroughSelf(path, { signal: client.signal, ...options });
  setTimeout(() => client.abort(), afterMs);
  await expect(answer).rejects.toThrow();
}

/** The teardown-log lines of `gateway` (without the log sink's prefix), waiting up to `ms` for `until`. */
async function guestLines(gateway: TestGateway, until: (lines: string[]) => boolean = () => true, ms = 3_000): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const lines = gateway.logs.flatMap((line) => /(on_\w+ \d+(?: live \d+)?)/.exec(line)?.[1] ?? []);
    if (until(lines) || Date.now() - started > ms) return lines;
    await sleep(20);
  }
}

const deleted = (lines: string[]) => lines.some((line) => line.startsWith("on_delete"));

describe("when the client goes away, the filters' streams still end", () => {
  // The gateways' lines are read from their logs; on the real console one written as a cancelled
  // request's context goes kept vitest from ending (support/gateway.ts, forwardConsole).
  beforeAll(() => forwardConsole(false));
  afterAll(() => forwardConsole(true));

  it("a stream whose request is cancelled while the upstream answers gets on_done, on_log and on_delete, once, in that order", async () => {
    const gateway = gatewayFor(CONFIG);
    await goAway(gateway, "/logged/delay/1500", 300);
    const lines = await guestLines(gateway, deleted);
    const id = /on_request_headers (\d+)/.exec(lines[0] ?? "")?.[1];
    expect(lines).toEqual([`on_request_headers ${id}`, `on_done ${id}`, `on_log ${id}`, `on_delete ${id} live 0`]);
    // Past the upstream's answer: nothing more reached the guest (no response phase, no second teardown).
    await sleep(1_500);
    expect(await guestLines(gateway)).toEqual(lines);
  });

  it("when the cancelled request's code goes on (a waitUntil keeps its context), no callback reaches the torn-down stream", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "path,status" });
    await goAway(gateway, "/logged/delay/500", 200, { keepAliveMs: 2_000 });
    const lines = await guestLines(gateway, deleted);
    const id = /on_request_headers (\d+)/.exec(lines[0] ?? "")?.[1];
    expect(lines).toEqual([`on_request_headers ${id}`, `on_done ${id}`, `on_log ${id}`, `on_delete ${id} live 0`]);
    // The upstream answers and the request's code goes on: the guest, which traps on a callback
    // for a context it deleted, hears nothing more of it, and the request ends as cancelled
    // (its access-log line says 499, as nginx and Kong log a client that closed the request).
    await sleep(1_000);
    expect(await guestLines(gateway)).toEqual(lines);
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
    expect(gateway.logs.join("\n")).toContain('{"path":"/logged/delay/500","status":499}');
  });

  it("a stream paused by its filter gets its teardown when the client goes away, and the pause ends with it", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "path,status" });
    await goAway(gateway, "/paused/anything", 300, { keepAliveMs: 2_000 });
    const lines = await guestLines(gateway, deleted);
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["on_request_headers", "on_done", "on_log", "on_delete"]);
    expect(lines.at(-1)).toMatch(/live 0$/);
    // The request stopped waiting for its filter (the pause timeout is a minute away).
    await guestLines(gateway, () => gateway.logs.some((line) => line.includes('"status":499')), 1_000);
    expect(gateway.logs).toContain('{"path":"/paused/anything","status":499}');
  });

  it("a client that goes away during a streamed response ends the streams of every filter", async () => {
    const gateway = gatewayFor(CONFIG);
    const client = new AbortController();
    const response = await gateway.fetchThroughSelf("/streamed/drip/10/200", { signal: client.signal });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await reader.read().catch(() => {});
    const lines = await guestLines(gateway, deleted);
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["on_request_headers", "on_response_headers", "on_done", "on_log", "on_delete"]);
    expect(lines.at(-1)).toMatch(/live 0$/);
  });

  it("a callback suspended in a body read when the client goes away ends, the VM stays usable, teardown follows", async () => {
    const gateway = gatewayFor(CONFIG);
    // The guard's on_response_body reads the whole body (two lines 300 ms apart): the abort comes meanwhile.
    await goAway(gateway, "/guarded/drip-sized/2/300", 200);
    const lines = await guestLines(gateway, deleted);
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["on_request_headers", "on_response_headers", "on_done", "on_log", "on_delete"]);
    // The next request through the same VMs is answered at once, not after the VM lock's deadline.
    const started = Date.now();
    const next = await gateway.fetch("/guarded/drip-sized/2/300");
    expect(await next.text()).toBe("SEEN:drip 0\ndrip 1\n");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable|failed/);
  });

  it("without the request's signal, a VM whose callback was suspended when its client went away is replaced within seconds, not at the lock's 60 s deadline", async () => {
    const gateway = gatewayFor(CONFIG);
    await goAway(gateway, "/guarded/drip-sized/2/300", 200, { withoutSignal: true });
    // The next callback of the guard's VM finds the holder's request gone after about a second:
    // the VM fails (a suspended guest cannot be called again), so this request fails closed...
    const started = Date.now();
    const next = await gateway.fetch("/guarded/anything");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(next.status).toBe(500);
    expect(gateway.logs.join("\n")).toMatch(/went away/);
    // ... and the one after gets a new VM.
    const after = await gateway.fetch("/guarded/drip-sized/2/300");
    expect(await after.text()).toBe("SEEN:drip 0\ndrip 1\n");
  });
});

