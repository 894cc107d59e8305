import { describe, expect, it } from "vitest";
import { BODY_CALLBACK_IMPORT, BODY_CALLBACK_PENDING, bufferSwitchModuleBytes, SWITCHED_HOST_CALLS, SWITCH_IMPORT_MODULE } from "../../../abi/buffer-switch-module.ts";

const unusedRole = { [BODY_CALLBACK_IMPORT.module]: { [BODY_CALLBACK_IMPORT.name]: () => 0 } };

/** Instantiates the switch over plain functions that record which form was called, with what. */
function instantiate() {
  const calls: string[] = [];
  const host: Record<string, (...args: number[]) => number> = {};
  for (const name of SWITCHED_HOST_CALLS) {
    host[name] = (...args) => (calls.push(`${name}(${args.join(",")})`), 1);
    host[`${name}_suspending`] = (...args) => (calls.push(`${name}_suspending(${args.join(",")})`), 2);
  }
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bufferSwitchModuleBytes()), { [SWITCH_IMPORT_MODULE]: host, ...unusedRole }).exports;
  return { calls, exports: exports as Record<string, ((...args: number[]) => number) & WebAssembly.Global> };
}

describe("the buffer switch module", () => {
  it("is a valid module exporting the switched host calls, its global and the body callback trampoline", () => {
    const module = new WebAssembly.Module(bufferSwitchModuleBytes());
    expect(WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`)).toEqual([
      "global:suspendable",
      "function:proxy_get_buffer_bytes",
      "function:proxy_set_buffer_bytes",
      "function:run_body_callback",
      "global:body_callback_result",
    ]);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)).toEqual([
      "host.proxy_get_buffer_bytes",
      "host.proxy_get_buffer_bytes_suspending",
      "host.proxy_set_buffer_bytes",
      "host.proxy_set_buffer_bytes_suspending",
      "guest.body_callback",
    ]);
  });

  it("calls the immediate host calls while suspendable is 0, with the guest's five arguments and result", () => {
    const { calls, exports } = instantiate();
    expect(exports.proxy_get_buffer_bytes(1, 2, 3, 4, 5)).toBe(1);
    expect(exports.proxy_set_buffer_bytes(6, 7, 8, 9, 10)).toBe(1);
    expect(calls).toEqual(["proxy_get_buffer_bytes(1,2,3,4,5)", "proxy_set_buffer_bytes(6,7,8,9,10)"]);
  });

  it("calls the suspending forms while suspendable is 1", () => {
    const { calls, exports } = instantiate();
    exports.suspendable.value = 1;
    expect(exports.proxy_get_buffer_bytes(1, 2, 3, 4, -1)).toBe(2);
    expect(exports.proxy_set_buffer_bytes(0, 0, 0, 0, 0)).toBe(2);
    exports.suspendable.value = 0;
    expect(exports.proxy_get_buffer_bytes(0, 0, 0, 0, 0)).toBe(1);
    expect(calls).toEqual(["proxy_get_buffer_bytes_suspending(1,2,3,4,-1)", "proxy_set_buffer_bytes_suspending(0,0,0,0,0)", "proxy_get_buffer_bytes(0,0,0,0,0)"]);
  });

  it("as a trampoline, passes the body callback's three arguments and returns and stores its result", () => {
    const seen: number[][] = [];
    const unused = () => { throw new Error("not this role"); };
    const host = Object.fromEntries(SWITCHED_HOST_CALLS.flatMap((name) => [[name, unused], [`${name}_suspending`, unused]]));
    const guest = { [BODY_CALLBACK_IMPORT.name]: (...args: number[]) => (seen.push(args), 7) };
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bufferSwitchModuleBytes()), { [SWITCH_IMPORT_MODULE]: host, [BODY_CALLBACK_IMPORT.module]: guest }).exports;
    const result = exports.body_callback_result as WebAssembly.Global;
    expect(result.value).toBe(BODY_CALLBACK_PENDING);
    expect((exports.run_body_callback as (...args: number[]) => number)(3, 1024, 1)).toBe(7);
    expect(result.value).toBe(7);
    expect(seen).toEqual([[3, 1024, 1]]);
  });

  it("refuses to link a trampoline to a wasm body callback of other types", () => {
    // (func (export "f") (param i32 i32) (result i32) i32.const 0)
    const other = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 65, 0, 11]))).exports.f;
    const answer = (): number => 0;
    const host = Object.fromEntries(SWITCHED_HOST_CALLS.flatMap((name) => [[name, answer], [`${name}_suspending`, answer]]));
    const link = () => new WebAssembly.Instance(new WebAssembly.Module(bufferSwitchModuleBytes()), { [SWITCH_IMPORT_MODULE]: host, [BODY_CALLBACK_IMPORT.module]: { [BODY_CALLBACK_IMPORT.name]: other } });
    expect(link).toThrow(WebAssembly.LinkError);
  });
});
