import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: fragile
        paths: ["/fragile"]
        filter_chains: [{ filters: [{ name: trap-when-asked }] }]
      - name: forgiving
        paths: ["/forgiving"]
        filter_chains: [{ filters: [{ name: trap-when-asked, failure_policy: fail_open }, { name: greeting, config: '{"my_greeting": "still here"}' }] }]
      - name: healthy
        paths: ["/healthy"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "fine"}' }] }]
`;

describe("a filter that traps", () => {
  it("fails only its own request, with Kong's 500 body and a log line naming the filter and callback", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/fragile", { headers: { "x-trap": "1" } });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { message: string }).message).toBe("An unexpected error occurred");
    expect(gateway.logs.join("\n")).toMatch(/filter "trap-when-asked" failed in proxy_on_request_headers: RuntimeError: unreachable/);
  });

  it("is rebuilt for the next request, which succeeds on a fresh VM", async () => {
    const gateway = gatewayFor(CONFIG);
    expect((await gateway.fetch("/fragile")).headers.get("x-survived")).toBe("1");
    expect((await gateway.fetch("/fragile")).headers.get("x-survived")).toBe("2");
    expect((await gateway.fetch("/fragile", { headers: { "x-trap": "1" } })).status).toBe(500);
    const next = await gateway.fetch("/fragile");
    expect(next.status).toBe(200);
    expect(next.headers.get("x-survived")).toBe("1");
  });

  it("does not disturb other routes sent at the same time", async () => {
    const gateway = gatewayFor(CONFIG);
    const [bad, good] = await Promise.all([gateway.fetch("/fragile", { headers: { "x-trap": "1" } }), gateway.fetch("/healthy")]);
    expect(bad.status).toBe(500);
    expect(good.status).toBe(200);
    expect(good.headers.get("x-greeting")).toBe("fine");
  });

  it("is skipped when its failure policy is fail_open, and the rest of the chain still runs", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/forgiving", { headers: { "x-trap": "1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("still here");
    expect(response.headers.get("x-survived")).toBeNull();
  });
});

describe("a filter whose memory grows without bound", () => {
  it("fails its own request once over the limit, and the next request runs on a fresh VM", async () => {
    const gateway = gatewayFor(
      `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: leaky
        paths: ["/leaky"]
        filter_chains: [{ filters: [{ name: memory-hog }] }]
      - name: healthy
        paths: ["/healthy"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "fine"}' }] }]
`,
      { PROXY_WASM_VM_MEMORY_LIMIT: String(3 * 1024 * 1024) },
    );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gateway.fetch("/leaky")).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
    expect(gateway.logs.join("\n")).toMatch(/filter "memory-hog" failed in proxy_on_request_headers: Error: linear memory grew to \d+ bytes, over the limit of 3145728/);
    expect((await gateway.fetch("/healthy")).headers.get("x-greeting")).toBe("fine");
  });
});
