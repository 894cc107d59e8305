/**
 * The probe guest: a real Proxy-Wasm module (built from WAT with wabt) that imports every host
 * call and re-exports each as `probe_<name>`, so a test can call any host call with exact
 * arguments from inside a callback and read what the host wrote into guest memory.
 * @module
 */
import wabtInit from "wabt";
import { HOST_CALL_SIGNATURES } from "./signatures.ts";

const TYPE = { I: "i32", J: "i64" } as const;

export interface ProbeOptions {
  abi?: "0_1_0" | "0_2_0" | "0_2_1";
  /** Which allocator exports the guest has. */
  allocators?: ("proxy_on_memory_allocate" | "malloc")[];
  /** Result of `proxy_on_configure` (1 = accept). */
  configureResult?: number;
  /** Extra WAT inside the module. */
  extra?: string;
}

/** The guest's heap starts here; addresses below are free for tests to use as scratch. */
export const HEAP_START = 65536;

function probeWat(options: ProbeOptions): string {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const [name, signature] of Object.entries(HOST_CALL_SIGNATURES)) {
    const params = [...signature].map((t) => TYPE[t as "I" | "J"]);
    const paramList = params.length ? `(param ${params.join(" ")})` : "";
    imports.push(`(import "env" "${name}" (func $${name} ${paramList} (result i32)))`);
    const locals = params.map((_, i) => `(local.get ${i})`).join(" ");
    exports.push(`(func (export "probe_${name}") ${paramList} (result i32) (call $${name} ${locals}))`);
  }
  const allocators = (options.allocators ?? ["proxy_on_memory_allocate"]).map(
    (name) => `(func (export "${name}") (param $size i32) (result i32) (call $bump (local.get $size)))`,
  );
  return `(module
  ${imports.join("\n  ")}
  (memory (export "memory") 4)
  (global $next (mut i32) (i32.const ${HEAP_START}))
  (global $allocations (export "allocations") (mut i32) (i32.const 0))
  (func $bump (param $size i32) (result i32) (local $at i32)
    (global.set $allocations (i32.add (global.get $allocations) (i32.const 1)))
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    (local.get $at))
  ${allocators.join("\n  ")}
  (func (export "proxy_abi_version_${options.abi ?? "0_2_1"}"))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const ${options.configureResult ?? 1}))
  ${exports.join("\n  ")}
  ${options.extra ?? ""}
)`;
}

let wabt: Awaited<ReturnType<typeof wabtInit>> | null = null;

/** Compiles WAT text to a module (Node allows run-time compilation; workerd does not). */
export async function compileWat(text: string): Promise<WebAssembly.Module> {
  wabt ??= await wabtInit();
  const parsed = wabt.parseWat("guest.wat", text, { mutable_globals: true, sat_float_to_int: true, sign_extension: true, bulk_memory: true });
  try {
    return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}

export async function probeModule(options: ProbeOptions = {}): Promise<WebAssembly.Module> {
  return compileWat(probeWat(options));
}
