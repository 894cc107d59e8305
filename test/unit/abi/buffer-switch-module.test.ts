import { describe, expect, it } from "vitest";
import { bufferSwitchModuleBytes, SWITCHED_HOST_CALLS, SWITCH_IMPORT_MODULE } from "../../../abi/buffer-switch-module.ts";

/** Instantiates the switch over plain functions that record which form was called, with what. */
function instantiate() {
  const calls: string[] = [];
  const host: Record<string, (...args: number[]) => number> = {};
  for (const name of SWITCHED_HOST_CALLS) {
    host[name] = (...args) => (calls.push(`${name}(${args.join(",")})`), 1);
    host[`${name}_suspending`] = (...args) => (calls.push(`${name}_suspending(${args.join(",")})`), 2);
  }
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bufferSwitchModuleBytes()), { [SWITCH_IMPORT_MODULE]: host }).exports;
  return { calls, exports: exports as Record<string, ((...args: number[]) => number) & WebAssembly.Global> };
}

describe("the buffer switch module", () => {
  it("is a valid module exporting the switched host calls and its global", () => {
    const module = new WebAssembly.Module(bufferSwitchModuleBytes());
    expect(WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`)).toEqual([
      "global:suspendable",
      "function:proxy_get_buffer_bytes",
      "function:proxy_set_buffer_bytes",
    ]);
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)).toEqual([
      "host.proxy_get_buffer_bytes",
      "host.proxy_get_buffer_bytes_suspending",
      "host.proxy_set_buffer_bytes",
      "host.proxy_set_buffer_bytes_suspending",
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
});
