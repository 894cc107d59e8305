import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

// The guest adds a trailer at the last body callback of each direction and traps if the host
// refuses, as Envoy's own test filter aborts.
const CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: trailers
        paths: ["/"]
        filter_chains: [{ filters: [{ name: end-of-stream-trailers }] }]
`;

describe("trailers added at the end of a body", () => {
  it("are accepted on a request body and a whole response body, and the request goes through", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/anything", { method: "POST", body: "hello" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { body: string }).body).toBe("hello");
    expect(gateway.logs.filter((line) => /\[(error|critical)\]/.test(line))).toEqual([]);
  });

  it("are accepted at the end of a streamed response body", async () => {
    const gateway = gatewayFor(CONFIG);
    const response = await gateway.fetch("/drip/3/5");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("drip 0\ndrip 1\ndrip 2\n");
    expect(gateway.logs.filter((line) => /\[(error|critical)\]/.test(line))).toEqual([]);
  });
});
