import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkBytes, checkFilter, checkText } from "../../../cli/check.ts";
import { builtFilter, guest } from "./support/built-modules.ts";

describe("check describes SDK-built filters", () => {
  it.each([
    ["rust-sdk-add-header", "rust", "0.2.1"],
    ["go-sdk-add-header", "go", "0.2.0"],
    ["tinygo-sdk-add-header", "tinygo", "0.2.0"],
    ["cpp-sdk-add-header", "cpp-emscripten", "0.2.1"],
  ])("%s: its toolchain is %s, its ABI %s, and this host provides every import", async (name, toolchain, abi) => {
    const report = await checkFilter(guest(name));
    expect(report.ok).toBe(true);
    expect(report.toolchain?.toolchain).toBe(toolchain);
    expect(report.abiVersions).toEqual([abi]);
    expect(report.missingImports).toEqual([]);
    expect(report.callbacks).toContain("proxy_on_response_headers");
    expect(report.hostCalls).toContain("proxy_add_header_map_value");
    expect(report.metering?.ok).toBe(true);
    expect(report.pluginStart?.ok).toBe(true);
  });

  it("recognises the AssemblyScript greeting filter and starts it with its configuration", async () => {
    const report = await checkFilter(builtFilter("greeting"), '{"my_greeting":"hi"}');
    expect(report.toolchain?.toolchain).toBe("assemblyscript");
    expect(report.timings?.startSteps).toEqual(["_initialize"]);
    expect(report.pluginStart).toEqual({ ok: true, detail: expect.stringContaining("on_configure") });
  });

  it("reports the Go guest's WASI imports and the C++ guest's emscripten import by name", async () => {
    const go = await checkFilter(guest("go-sdk-add-header"));
    expect(go.wasi).toContain("wasi_snapshot_preview1.fd_prestat_get");
    const cpp = await checkFilter(guest("cpp-sdk-add-header"));
    expect(cpp.otherImports).toEqual(["env.emscripten_notify_memory_growth"]);
  });

  it("reports size raw and gzipped against Workers' limits, and the declared memory", async () => {
    const file = builtFilter("rate-limiting");
    const report = await checkFilter(file);
    expect(report.size?.rawBytes).toBe(readFileSync(file).length);
    expect(report.size?.gzipBytes).toBeLessThan(report.size!.rawBytes);
    expect(report.size?.overFreeLimit).toBe(false);
    expect(report.memory).toEqual({ initialPages: 1, maxPages: null, imported: false });
  });

  it("prints one row per fact", async () => {
    const text = checkText(await checkFilter(guest("rust-sdk-add-header")));
    for (const label of ["ABI", "toolchain", "callbacks", "host calls", "WASI", "missing", "size", "memory", "compile", "start", "plugin start", "metering"]) {
      expect(text).toMatch(new RegExp(`^  ${label} +\\S`, "m"));
    }
  });
});

describe("check refuses what is not a Proxy-Wasm module", () => {
  it("a valid Wasm module without an ABI marker fails with a one-line reason", async () => {
    const report = await checkBytes("empty.wasm", new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(report.ok).toBe(false);
    expect(checkText(report)).toBe("empty.wasm: not a Proxy-Wasm module: it exports no proxy_abi_version_* marker\n");
  });

  it("a file that is not WebAssembly at all fails before compiling", async () => {
    const report = await checkBytes("kong.yml", new TextEncoder().encode("_format_version: '3.0'\n"));
    expect(report.reason).toBe("not a WebAssembly module (no \\0asm header)");
  });

  it("a missing file fails with the reason", async () => {
    expect((await checkFilter("/nonexistent/filter.wasm")).reason).toBe("cannot read it: ENOENT");
  });
});
