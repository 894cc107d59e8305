import { describe, expect, it } from "vitest";
import { isolateMetricsRegistry } from "../../abi/metrics.ts";
import { gatewayFor } from "./support/gateway.ts";

/**
 * The endless-* guests loop forever and exist only fuel-metered (filters/build-wat.ts); the
 * budget below keeps each cut-off short. Without metering these tests would hang workerd.
 */
const FUEL = { PROXY_WASM_FUEL_BUDGET: "20000000" };

function config(mode: string, vmConfig = "") {
  return `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: looping
        paths: ["/loop"]
        filter_chains: [{ filters: [{ name: endless-loop, config: "${mode}", vm_config: "${vmConfig}" }] }]
      - name: healthy
        paths: ["/healthy"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "alive"}' }] }]
`;
}

const CALLBACKS: [string, string, number][] = [
  ["on_request_headers", "h", 500],
  ["on_response_headers", "r", 500],
  ["on_response_body", "d", 500],
  ["on_context_create of a stream", "k", 500],
  ["on_configure", "c", 500],
];

describe("a filter that loops forever", () => {
  for (const [callback, mode, status] of CALLBACKS) {
    it(`in ${callback} fails only its own request, quickly, and the gateway keeps serving`, async () => {
      const gateway = gatewayFor(config(mode), FUEL);
      const started = Date.now();
      const [looping, healthy] = await Promise.all([gateway.fetch("/loop"), gateway.fetch("/healthy")]);
      expect(looping.status).toBe(status);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(healthy.status).toBe(200);
      expect(healthy.headers.get("x-greeting")).toBe("alive");
      expect(gateway.logs.join("\n")).toMatch(/filter "endless-loop" failed in proxy_on_\w+: FuelExhausted: fuel exhausted/);
      expect((await gateway.fetch("/healthy")).status).toBe(200);
    });
  }

  it("in on_request_body fails the request with 500", async () => {
    const gateway = gatewayFor(config("b"), FUEL);
    const response = await gateway.fetch("/loop", { method: "POST", body: "some body" });
    expect(response.status).toBe(500);
  });

  it("in on_log does not change the response already sent, and the next request works", async () => {
    const gateway = gatewayFor(config("l"), FUEL);
    expect((await gateway.fetch("/loop")).status).toBe(200);
    expect((await gateway.fetch("/loop")).status).toBe(200);
    expect(gateway.logs.join("\n")).toMatch(/failed in proxy_on_log: FuelExhausted/);
  });

  it("in on_vm_start fails the requests through it", async () => {
    const gateway = gatewayFor(config("n", "v"), FUEL);
    expect((await gateway.fetch("/loop")).status).toBe(500);
    expect((await gateway.fetch("/healthy")).status).toBe(200);
  });

  it("in _initialize fails the requests through it", async () => {
    const gateway = gatewayFor(
      `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - { name: looping, paths: ["/loop"], filter_chains: [{ filters: [{ name: endless-initialize }] }] }
`,
      FUEL,
    );
    expect((await gateway.fetch("/loop")).status).toBe(500);
    expect(gateway.logs.join("\n")).toMatch(/failed in _initialize: FuelExhausted/);
  });

  it("within 1 s with the default budget", async () => {
    const gateway = gatewayFor(config("h"));
    const started = Date.now();
    expect((await gateway.fetch("/loop")).status).toBe(500);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("fuel accounting", () => {
  it("records the fuel each callback used in the filter's host_fuel_used histogram", async () => {
    const gateway = gatewayFor(config("none"));
    await gateway.fetch("/loop");
    const metric = isolateMetricsRegistry()
      .snapshot()
      .find((m) => m.filter === "endless-loop" && m.name === "host_fuel_used");
    expect(metric?.type).toBe("histogram");
    expect(metric && metric.type === "histogram" ? metric.count : 0n).toBeGreaterThan(0n);
  });
});
