import { describe, expect, it } from "vitest";
import { preserveHostBinding } from "../../worker/service-origin.ts";
import { gatewayFor, upstreamUrl } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM/base
    routes:
      - { name: preserved, paths: ["/kept"], preserve_host: true }
      - { name: plain, paths: ["/plain"] }
      - name: filtered
        paths: ["/filtered"]
        preserve_host: true
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "hi"}' }] }]
`;

/**
 * Stands in for the outbound service \`serve\` generates for the upstream's address: it notes
 * the URL it is asked for and connects to the echo upstream, as workerd's external service does.
 */
function outboundService(seen: string[]): Fetcher {
  return {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      seen.push(url.href);
      return fetch(upstreamUrl() + url.pathname + url.search, init);
    },
    connect: () => {
      throw new Error("not used");
    },
  } as unknown as Fetcher;
}

function bindingsWith(seen: string[]): Record<string, string> {
  const [host, port] = upstreamUrl().slice("http://".length).split(":");
  return { [preserveHostBinding({ host, port: Number(port) })]: outboundService(seen) } as unknown as Record<string, string>;
}

describe("preserve_host", () => {
  it("sends the client's Host through the upstream's outbound service", async () => {
    const seen: string[] = [];
    const gateway = gatewayFor(CONFIG, bindingsWith(seen));
    const response = await gateway.fetch("/kept/x?q=1", { host: "client.example:8443" });
    expect(response.status).toBe(200);
    expect(seen).toEqual(["http://client.example:8443/base/x?q=1"]);
    expect(((await response.json()) as { url: string }).url).toBe("/base/x?q=1");
  });

  it("does so also when the route has filters", async () => {
    const seen: string[] = [];
    const gateway = gatewayFor(CONFIG, bindingsWith(seen));
    const response = await gateway.fetch("/filtered/y", { host: "client.example" });
    expect(response.headers.get("x-greeting")).toBe("hi");
    expect(seen).toEqual(["http://client.example/base/y"]);
  });

  it("leaves routes without preserve_host on the service's host", async () => {
    const seen: string[] = [];
    const response = await gatewayFor(CONFIG, bindingsWith(seen)).fetch("/plain/z", { host: "client.example" });
    expect(response.status).toBe(200);
    expect(seen).toEqual([]);
  });

  it("falls back to the service's host where no outbound service exists (Cloudflare)", async () => {
    const response = await gatewayFor(CONFIG).fetch("/kept/x", { host: "client.example" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { headers: Record<string, string> }).headers.host).toBe(upstreamUrl().slice("http://".length));
  });
});
