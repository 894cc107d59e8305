import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtFilter, guest } from "../unit/cli/support/built-modules.ts";
import { REPO_ROOT, runCli } from "./support/cli-process.ts";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pww-author-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("proxy-wasm-workers check", () => {
  it("describes filters of three toolchains and exits 0", () => {
    const run = runCli(["check", guest("rust-sdk-add-header"), guest("tinygo-sdk-add-header"), builtFilter("greeting")], REPO_ROOT);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Rust (proxy-wasm-rust-sdk)");
    expect(run.stdout).toContain("TinyGo (proxy-wasm-go-sdk)");
    expect(run.stdout).toContain("AssemblyScript");
  });

  it("refuses a Wasm module that is not Proxy-Wasm with a one-line reason and exit 1", async () => {
    const plain = join(work, "plain.wasm");
    await writeFile(plain, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const run = runCli(["check", guest("go-sdk-add-header"), plain], REPO_ROOT);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${plain}: not a Proxy-Wasm module: it exports no proxy_abi_version_* marker\n`);
  });

  it("--json gives one report per file as data", () => {
    const run = runCli(["check", "--json", guest("cpp-sdk-add-header")], REPO_ROOT);
    expect(run.status).toBe(0);
    const [report] = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, abiVersions: ["0.2.1"], toolchain: { toolchain: "cpp-emscripten" }, missingImports: [] });
  });
});

describe("proxy-wasm-workers run", () => {
  it("prints the callbacks and host calls that led to a local response, and exits 3 when it was not the expected status", () => {
    const run = runCli(
      ["run", guest("callout-auth"), "--config", "kong", "--request", "GET /private", "--header", "x-deny: yes", "--callout-response", '403 {"allowed":false}', "--expect-status", "200"],
      REPO_ROOT,
    );
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^▶ proxy_on_request_headers\(2, \d+, 1\) → 1$/m);
    expect(run.stdout).toContain('· proxy_http_call("auth" { :method: "GET", :path: "/status/403", :authority: "auth" }');
    expect(run.stdout).toMatch(/^▶ proxy_on_http_call_response\(1, 1, /m);
    expect(run.stdout).toContain('· proxy_send_local_response(403 details "" body "denied by auth service" headers { x-denied-by: "callout" }) → ok');
    expect(run.stdout).toContain("── client response (local response) ──\n403\n  x-denied-by: callout");
    expect(run.stdout).toContain("✗ expected status 200, the client got 403 (local response)");
  });

  it("exits 2 when the filter traps, and --json carries the same as data", () => {
    const run = runCli(["run", guest("trap-when-asked"), "--header", "x-trap: 1", "--json"], REPO_ROOT);
    expect(run.status).toBe(2);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ exitStatus: 2, response: { status: 500, source: "gateway_error" }, upstreamRequest: null });
    expect(result.failure).toContain("proxy_on_request_headers");
  });

  it("exits 0 when the request went through and the client got the expected status", () => {
    const run = runCli(["run", guest("rust-sdk-add-header"), "--response-header", "content-type: text/plain", "--response-body", "ok", "--expect-status", "200"], REPO_ROOT);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("· proxy_add_header_map_value(http_response_headers \"x-sdk\": \"rust\") → ok");
  });

  it("refuses a malformed flag with a one-line reason", () => {
    const run = runCli(["run", guest("rust-sdk-add-header"), "--request", "fetch it"], REPO_ROOT);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('proxy-wasm-workers: --request must look like "GET /path", got "fetch it"\n');
  });
});

describe("proxy-wasm-workers test", () => {
  const fixture = (name: string) => join(REPO_ROOT, "test", "fixtures", "filter-tests", name);

  it("exits 0 when every fixture passes, ending with the plain tally line", () => {
    guest("callout-auth");
    const run = runCli(["test", fixture("greeting.yaml"), fixture("callout-auth.yaml")], REPO_ROOT);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("5 passed, 0 failed");
  });

  it("exits 1 when an expectation is wrong", () => {
    const run = runCli(["test", fixture("greeting.yaml"), fixture("greeting-wrong.yaml")], REPO_ROOT);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^2 passed, 2 failed$/m);
  });
});
