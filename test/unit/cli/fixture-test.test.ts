import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFixture } from "../../../cli/fixture-format.ts";
import { runFixtureFiles } from "../../../cli/fixture-test.ts";
import { builtFilter, guest, REPO_ROOT } from "./support/built-modules.ts";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "filter-tests");

async function run(...names: string[]): Promise<{ lines: string[]; passed: number; failed: number }> {
  builtFilter("greeting");
  guest("callout-auth");
  const lines: string[] = [];
  const tally = await runFixtureFiles(names.map((name) => join(FIXTURES, name)), (line) => lines.push(line));
  return { lines, ...tally };
}

describe("fixture tests", () => {
  it("a fixture whose expectations hold passes every request and ends with the tally line", async () => {
    const { lines, passed, failed } = await run("greeting.yaml", "callout-auth.yaml");
    expect([passed, failed]).toEqual([5, 0]);
    expect(lines.at(-1)).toBe("5 passed, 0 failed");
    expect(lines).toContain("  ✓ the auth service says no, so the client gets a local 403 and the upstream nothing");
  });

  it("a wrong expectation fails its request and says what differed", async () => {
    const { lines, passed, failed } = await run("greeting-wrong.yaml");
    expect([passed, failed]).toEqual([0, 2]);
    expect(lines).toContain('      response.headers.x-greeting: expected "Bonjour", got "Hello"');
    expect(lines).toContain("      upstream_request: expected none, the request reached the upstream");
    expect(lines).toContain("      response.status: expected 403, got 200 (upstream)");
    expect(lines.at(-1)).toBe("0 passed, 2 failed");
  });

  it("a fixture that cannot be read counts as one failure and the others still run", async () => {
    const { lines, passed, failed } = await run("missing.yaml", "greeting.yaml");
    expect(lines[1]).toBe("  ✗ cannot read it: ENOENT");
    expect([passed, failed]).toEqual([2, 1]);
  });
});

describe("the fixture format", () => {
  it("takes a request line, headers as a mapping or list, and a configuration mapping as JSON", () => {
    const fixture = parseFixture(`
filter: f.wasm
config: { limit: 3 }
requests:
  - request: { line: "post /x", headers: ["X-A: 1"] }
  - request: /plain
`);
    expect(fixture.config).toBe('{"limit":3}');
    expect(fixture.cases[0].request).toEqual({ method: "POST", path: "/x", headers: [["x-a", "1"]], body: "" });
    expect(fixture.cases[1]).toMatchObject({ name: "request 2", request: { method: "GET", path: "/plain" }, upstream: { status: 200 } });
  });

  it.each([
    ["requests: []\nfilter: f.wasm", "requests: must be a non-empty list"],
    ["filter: f.wasm\nrequests: [{ expect: { response: { status: 99 } } }]", "requests[0].expect.response.status: must be an HTTP status (100–599)"],
    ["filter: f.wasm\nrequests: [{ expct: {} }]", "requests[0].expct: unknown key (known: name, request, upstream_response, callout_response, ticks, expect)"],
    ["requests: [{}]", "filter: must be a string"],
  ])("names the place of a mistake: %j", (text, message) => {
    expect(() => parseFixture(text)).toThrow(message);
  });
});
