import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TICKING = `
_format_version: "3.0"
services:
  - name: auth
    url: $UPSTREAM
  - name: app
    url: $UPSTREAM
    routes:
      - name: ticking
        paths: ["/"]
        filter_chains: [{ filters: [{ name: tick-counter }] }]
`;

describe("timers without background timers", () => {
  it("the cron entry starts the plugins and runs their due ticks before any request", async () => {
    const gateway = gatewayFor(TICKING);
    await gateway.scheduled();
    await sleep(60);
    await gateway.scheduled();
    await sleep(60);
    const response = await gateway.fetch("/a");
    expect(Number(response.headers.get("x-ticks"))).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers.get("x-tick-callouts"))).toBeGreaterThanOrEqual(1);
  });

  it("a due tick runs when a request arrives, and its callouts are answered on the root context", async () => {
    const gateway = gatewayFor(TICKING);
    const first = await gateway.fetch("/a");
    expect(first.headers.get("x-ticks")).toBe("0");
    await sleep(60);
    await gateway.fetch("/b");
    await sleep(60);
    const third = await gateway.fetch("/c");
    expect(Number(third.headers.get("x-ticks"))).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers.get("x-tick-callouts"))).toBeGreaterThanOrEqual(1);
  });
});
