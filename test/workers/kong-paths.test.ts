import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

/** What the echo upstream answers: `url` is the request target exactly as it arrived. */
type Echo = { url: string; path: string; headers: Record<string, string> };

const CONFIG = `
_format_version: "3.0"
services:
  - name: users
    url: $UPSTREAM/base
    routes:
      - name: plain
        paths: ["/api/users"]
      - name: filtered
        paths: ["/filtered"]
        filter_chains:
          - filters: [{ name: greeting, config: '{"my_greeting": "hi"}' }]
      - name: cafe
        paths: ["~/caf(e|é)/(?<id>\\\\d+)$"]
        strip_path: false
`;

async function upstreamUrlOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return ((await response.json()) as Echo).url;
}

describe("request paths, normalised as Kong 3.x normalises them", () => {
  const gateway = gatewayFor(CONFIG);

  it("strips a route prefix the client spelled with escapes of unreserved characters", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/%75sers/42"))).toBe("/base/42");
  });

  it("strips a prefix the client reached through duplicate slashes and dot segments", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("//api//users/./x/../42"))).toBe("/base/42");
  });

  it("sends the normalised path upstream also when the route has filters", async () => {
    const response = await gateway.fetch("/filtered//%61/b");
    expect(response.headers.get("x-greeting")).toBe("hi");
    expect(await upstreamUrlOf(response)).toBe("/base/a/b");
  });

  it("keeps escaped reserved characters escaped, with upper-case hex", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/users/a%2fb%3f"))).toBe("/base/a%2Fb%3F");
  });

  it("escapes again what it decoded and cannot send as it is", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/users/a%20b/endel%c3%b8st"))).toBe("/base/a%20b/endel%C3%B8st");
  });

  it("matches regex routes against the decoded path", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/caf%C3%A9/12"))).toBe("/base/caf%C3%A9/12");
    expect((await gateway.fetch("/caf%65/12")).status).toBe(200);
    expect((await gateway.fetch("/caf%C3%A9/12x")).status).toBe(404);
  });

  it("keeps the query string as the client sent it", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/%75sers/1?q=a%2fb&x"))).toBe("/base/1?q=a%2fb&x");
  });
});

describe("an empty query string", () => {
  const gateway = gatewayFor(CONFIG);

  it("reaches the upstream as the client sent it, `?` included", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/users/1?"))).toBe("/base/1?");
  });

  it("does so also when the route has filters", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/filtered/x?"))).toBe("/base/x?");
  });

  it("is not invented where the client sent none", async () => {
    expect(await upstreamUrlOf(await gateway.fetch("/api/users/1"))).toBe("/base/1");
  });
});
