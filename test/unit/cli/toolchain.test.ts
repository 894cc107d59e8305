import wabtInit from "wabt";
import { describe, expect, it } from "vitest";
import { checkBytes } from "../../../cli/check.ts";
import { moduleFacts } from "../../../cli/module-facts.ts";
import { detectToolchain } from "../../../cli/toolchain.ts";

const encoder = new TextEncoder();

async function wat(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("t.wat", text);
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** LEB128 of a small number. */
function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

const str = (text: string) => [...uleb(encoder.encode(text).length), ...encoder.encode(text)];

/** `bytes` with a custom section appended. */
function withCustomSection(bytes: Uint8Array, name: string, payload: number[]): Uint8Array {
  const body = [...str(name), ...payload];
  return new Uint8Array([...bytes, 0, ...uleb(body.length), ...body]);
}

/** A producers section payload: field → [name, version] pairs. */
function producers(fields: Record<string, [string, string][]>): number[] {
  const entries = Object.entries(fields);
  return [...uleb(entries.length), ...entries.flatMap(([field, values]) => [...str(field), ...uleb(values.length), ...values.flatMap(([n, v]) => [...str(n), ...str(v)])])];
}

const MINIMAL = `(module (memory (export "memory") 1 4) (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 1024)))`;

describe("toolchain detection", () => {
  it("a producers section naming Rust is certain", async () => {
    const bytes = withCustomSection(await wat(MINIMAL), "producers", producers({ language: [["Rust", ""]], "processed-by": [["rustc", "1.86.0"]] }));
    const facts = moduleFacts(bytes, new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    expect(facts.producers).toEqual({ language: ["Rust"], "processed-by": ["rustc 1.86.0"] });
    expect(detectToolchain(facts)).toEqual({ toolchain: "rust", confidence: "certain", evidence: ["producers: Rust"] });
  });

  it("Go's build id section is certain", async () => {
    const bytes = withCustomSection(await wat(MINIMAL), "go:buildid", [...encoder.encode("abc/def")]);
    const facts = moduleFacts(bytes, new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    expect(detectToolchain(facts)).toMatchObject({ toolchain: "go", confidence: "certain" });
  });

  it("a module with no section and no SDK's pattern is unknown, and its memory limits are read", async () => {
    const bytes = await wat(MINIMAL);
    const facts = moduleFacts(bytes, new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    expect(detectToolchain(facts).toolchain).toBe("unknown");
    expect(facts.memory).toEqual({ initialPages: 1, maxPages: 4, imported: false });
  });
});

describe("check and imports the host lacks", () => {
  it("names an import this host does not provide and refuses the module", async () => {
    const bytes = await wat(`(module (import "env" "proxy_frobnicate" (func (param i32) (result i32)))
      (memory (export "memory") 1) (func (export "proxy_abi_version_0_2_1"))
      (func (export "malloc") (param i32) (result i32) (i32.const 1024)))`);
    const report = await checkBytes("frob.wasm", bytes);
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/^cannot load: .*proxy_frobnicate/);
    expect(report.missingImports).toEqual(["env.proxy_frobnicate"]);
  });
});
