import { describe, expect, it } from "vitest";
import { SeededRandom } from "../fuzz/seeded-random.ts";
import { gatewayFor } from "./support/gateway.ts";

/** What the echo upstream answers, as far as these tests read it. */
interface Echo {
  headers: Record<string, string>;
}

const CONFIG = `
_format_version: "3.0"
services:
  - name: auth
    url: $UPSTREAM
  - name: echo
    url: $UPSTREAM
    routes:
      - name: callout
        paths: ["/callout"]
        filter_chains: [{ filters: [{ name: adversarial-callout-delay }] }]
      - name: stuck
        paths: ["/stuck"]
        filter_chains: [{ filters: [{ name: callout-auth, config: pause }] }]
`;

describe("1,000 concurrent streams that pause, call out and resume", () => {
  it("each get their own answer, none hangs, and a stream nothing resumes times out on time", { timeout: 120_000 }, async () => {
    const gateway = gatewayFor(CONFIG);
    // The same isolate also serves a gateway whose pause timeout is short, for the stream nothing resumes.
    const impatient = gatewayFor(CONFIG, { PROXY_WASM_PAUSE_TIMEOUT_MS: "2000" });
    const random = new SeededRandom(1000);
    const started = Date.now();
    const requests = Array.from({ length: 1000 }, (_, i) => {
      const id = `req-${i}`;
      const delay = String(random.below(200));
      return gateway.fetch(`/callout/${id}`, { headers: { "x-load-id": id, "x-delay": delay } }).then(async (response) => ({ id, response }));
    });
    const stuck = impatient.fetch("/stuck");
    const answers = await Promise.all(requests);
    for (const { id, response } of answers) {
      expect(response.status, id).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo.headers["x-load-id"], id).toBe(id);
      expect(echo.headers["x-callout-matched"], `${id}: the callout answer belonged to another request`).toBe("yes");
    }
    const timedOut = await stuck;
    expect(timedOut.status).toBe(504);
    // Nothing waited for the 60 s default: the 2 s pause timeout ended the stuck one.
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe("a callout that answers after its request ended", () => {
  it("is not delivered, so the filter cannot trap on the context that is gone, and the VM serves on", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_PAUSE_TIMEOUT_MS: "100" });
    const late = await gateway.fetch("/callout/late", { headers: { "x-load-id": "late", "x-delay": "400" } });
    expect(late.status).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const next = await gateway.fetch("/callout/next", { headers: { "x-load-id": "next", "x-delay": "0" } });
    expect(next.status).toBe(200);
    expect(gateway.logs.join("\n")).not.toMatch(/failed in proxy_on_http_call_response/);
  });
});
