import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

/** Three routes, a greeting plugin each: three VMs of one 64 KiB page apiece (greeting's memory). */
const CONFIG = `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
${["a", "b", "c"]
  .map(
    (name) => `      - name: ${name}
        paths: ["/${name}"]
        filter_chains:
          - filters:
              - name: greeting
                config: '{"my_greeting": "${name}"}'`,
  )
  .join("\n")}
`;

describe("the isolate's memory budget for VMs", () => {
  it("retires the least recently used idle VM when the VMs' memory passes it, and rebuilds it on demand", async () => {
    // Room for two greeting VMs, not three.
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ISOLATE_MEMORY_BUDGET: String(2 * 65536 + 1000) });
    for (const route of ["a", "b", "c", "a", "b", "c"]) {
      const response = await gateway.fetch(`/${route}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-greeting")).toBe(route);
    }
    const retired = gateway.logs.filter((line) => line.includes("retired: the VMs of this isolate held more than"));
    expect(retired.length).toBeGreaterThan(0);
    expect(retired[0]).toMatch(/VM of plugin route:[^ ]+ retired/);
  });
});
