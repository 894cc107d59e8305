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
