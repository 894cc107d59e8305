import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

function singleFilter(filter: string, bindings: Record<string, unknown> = {}) {
  return gatewayFor(
    `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - paths: ["/"]
        filter_chains:
          - filters:
              - name: ${filter}
`,
    bindings,
  );
}

describe("state a VM writes in on_vm_start", () => {
  it("is found by the streams of that VM afterwards, also an empty value the Go SDK writes from pointer 0", async () => {
    const gateway = singleFilter("vm-start-state");
    expect((await gateway.fetch("/")).status).toBe(200);
    expect((await gateway.fetch("/")).status).toBe(200);
  });
});

describe("ticks while a request waits", () => {
  it("a request paused until the filter's on_tick resumes it goes on within a tick period, with no other traffic", async () => {
    const gateway = singleFilter("tick-resume", { PROXY_WASM_PAUSE_TIMEOUT_MS: "5000" });
    const started = Date.now();
    const response = await gateway.fetch("/resumed");
    expect(response.status).toBe(200);
    // The tick period is 50 ms; without a timer the request would wait for the 5 s pause timeout.
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
