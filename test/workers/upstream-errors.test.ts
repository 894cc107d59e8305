import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

describe("upstream failures", () => {
  it("a refused connection answers Kong's 502", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: down
    url: http://127.0.0.1:1
    routes: [{ name: down, paths: ["/"] }]
`);
    const response = await gateway.fetch("/x");
    expect(response.status).toBe(502);
    expect(((await response.json()) as { message: string }).message).toBe("An invalid response was received from the upstream server");
  });

  it("a service slower than its timeouts answers Kong's 504", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: slow
    url: $UPSTREAM
    connect_timeout: 100
    read_timeout: 100
    routes: [{ name: slow, paths: ["/"], strip_path: false }]
`);
    const response = await gateway.fetch("/delay/1000");
    expect(response.status).toBe(504);
    expect(((await response.json()) as { message: string }).message).toBe("The upstream server is timing out");
  });

  it.each([
    ["no filter", ""],
    ["a body filter", "\n        filter_chains: [{ filters: [{ name: body-rewrite }] }]"],
  ])("a body that streams for longer than the timeouts arrives whole (%s)", async (_, chain) => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: dripping
    url: $UPSTREAM
    connect_timeout: 100
    read_timeout: 100
    routes:
      - name: drip
        paths: ["/"]
        strip_path: false${chain}
`);
    // Headers at once, then 6 lines 60 ms apart: 360 ms of body against a 200 ms deadline.
    const response = await gateway.fetch("/drip/6/60");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.match(/drip \d/g)).toEqual(["drip 0", "drip 1", "drip 2", "drip 3", "drip 4", "drip 5"]);
  });

  it("filters still get their teardown when the upstream fails", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: down
    url: http://127.0.0.1:1
    routes:
      - name: down
        paths: ["/"]
        filter_chains: [{ filters: [{ name: rust-sdk-add-header }] }]
`);
    expect((await gateway.fetch("/x")).status).toBe(502);
    // The Rust-shaped guest traps on an unknown context id; a clean second request proves
    // the first stream was deleted properly and the VM is healthy.
    expect((await gateway.fetch("/y")).status).toBe(502);
    expect(gateway.logs.filter((line) => line.includes("failed in proxy_on"))).toEqual([]);
  });
});

describe("a filter that rejects its configuration", () => {
  it("fails the requests through it with 500 and a log line, not the gateway", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: broken
        paths: ["/broken"]
        filter_chains: [{ filters: [{ name: greeting, config: "this is not JSON" }] }]
      - name: fine
        paths: ["/fine"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "ok"}' }] }]
`);
    expect((await gateway.fetch("/broken")).status).toBe(500);
    expect((await gateway.fetch("/broken")).status).toBe(500);
    expect(gateway.logs.join("\n")).toMatch(/rejected its configuration/);
    const fine = await gateway.fetch("/fine");
    expect(fine.status).toBe(200);
    expect(fine.headers.get("x-greeting")).toBe("ok");
  });
});

describe("routes that take https only", () => {
  const config = (extra = "") => `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - { name: secure, paths: ["/"], protocols: [https]${extra} }
`;

  it("answer an http request with Kong's 426", async () => {
    const response = await gatewayFor(config()).fetch("/x");
    expect(response.status).toBe(426);
    expect(((await response.json()) as { message: string }).message).toBe("Please use HTTPS protocol");
    expect(response.headers.get("upgrade")).toBe("TLS/1.2, HTTP/1.1");
  });

  it("redirect to https when the route asks for it", async () => {
    const response = await gatewayFor(config(", https_redirect_status_code: 301")).fetch("/x?y=1", { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("https://gateway.test/x?y=1");
  });
});
