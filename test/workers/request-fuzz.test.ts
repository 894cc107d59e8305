import { describe, expect, it } from "vitest";
import { SeededRandom } from "../fuzz/seeded-random.ts";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - name: greeted
        paths: ["/api", "~/items/(?<id>[0-9]+)$"]
        hosts: ["gateway.test"]
        filter_chains:
          - filters:
              - name: greeting
                config: '{"my_greeting": "fuzzed"}'
`;

// workerd itself refuses methods it does not know (M-SEARCH, made-up ones): they never reach a worker.
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PURGE", "get", "TRACE"];
const SEGMENTS = ["api", "items", "123", "%2e%2e", "..", ".", "%2F", "%00", "%zz", "%", "é", "%C3%A9", "~", "a".repeat(300), "", "%252F", ";", "?", "#"];

/** A request of odd shape: its method, path (raw, percent-encoded or not), headers and body. */
function oddRequest(random: SeededRandom): { path: string; init: RequestInit } {
  const segments = Array.from({ length: 1 + random.below(6) }, () => random.pick(SEGMENTS));
  let path = `/${segments.join("/")}`;
  if (random.next() < 0.2) path = `/${"x/".repeat(random.below(2000))}`;
  if (random.next() < 0.3) path += `?${random.pick(["", "a=1", "a=%zz", "=&&=", "x".repeat(4000)])}`;
  const headers = new Headers();
  const count = random.next() < 0.1 ? 300 : random.below(5);
  for (let i = 0; i < count; i++) headers.append(`x-h${random.below(50)}`, random.pick(["", "v", "a".repeat(random.below(20_000)), "\t spaced \t", "ünicode".normalize("NFD").replace(/[^\x00-\xff]/g, "")]));
  const method = random.pick(METHODS);
  const body = ["GET", "HEAD", "get"].includes(method) ? undefined : random.pick(["", "x", "y".repeat(100_000)]);
  return { path, init: { method, headers, body } };
}

describe("malformed and odd requests (seeded fuzzing)", () => {
  it("get an answer: proxied, or Kong's JSON error from the gateway, never an exception or a 500", { timeout: 120_000 }, async () => {
    const seed = 20261207;
    const random = new SeededRandom(seed);
    const gateway = gatewayFor(CONFIG);
    for (let i = 0; i < 150; i++) {
      const { path, init } = oddRequest(random);
      const replay = `request ${i} of seed ${seed}: ${init.method} ${path.slice(0, 200)}`;
      const response = await gateway.fetch(path, init);
      expect(response.status, replay).not.toBe(500);
      // An upstream's own refusal (the echo server answers 431 to huge headers) passes through as is.
      const fromGateway = !response.headers.has("x-kong-upstream-latency");
      if (response.status >= 400 && fromGateway && init.method !== "HEAD") {
        const text = await response.text();
        expect(JSON.parse(text), `${replay}: ${text.slice(0, 200)}`).toHaveProperty("message");
      } else {
        await response.arrayBuffer();
      }
    }
    // And it still serves an ordinary request.
    const response = await gateway.fetch("/api/ok");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("fuzzed");
  });
});
