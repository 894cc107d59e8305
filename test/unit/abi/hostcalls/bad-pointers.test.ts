import { describe, expect, it } from "vitest";
import { Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";
import { HOST_CALL_SIGNATURES } from "../support/signatures.ts";

/** Host calls that take no pointer at all: nothing to check here. */
const WITHOUT_POINTERS = new Set([
  "proxy_done",
  "proxy_continue_request",
  "proxy_continue_response",
  "proxy_continue_stream",
  "proxy_close_stream",
  "proxy_clear_route_cache",
  "proxy_set_tick_period_milliseconds",
  "proxy_set_effective_context",
  "proxy_grpc_cancel",
  "proxy_grpc_close",
]);

const HUGE = 0xfffffff0;

describe("every host call with out-of-bounds pointers and lengths", () => {
  for (const [name, signature] of Object.entries(HOST_CALL_SIGNATURES)) {
    if (WITHOUT_POINTERS.has(name)) continue;
    it(`${name} answers a status and leaves the VM and the stream intact`, async () => {
      const probe = await startProbe();
      const stream = probe.stream([[":path", "/"]]);
      // Every i32 argument points (or counts) far outside memory; enums get an in-range value
      // so the call reaches its memory checks. i64 arguments get a plain value.
      const takesMapOrBufferType = /header_map|buffer/.test(name);
      const args = [...signature].map((type, index) => (type === "J" ? 1n : index === 0 && takesMapOrBufferType ? 0 : HUGE));
      const status = probe.call(stream.context, name, ...args);
      expect(status).not.toBe(Status.Ok);
      expect(Object.values(Status)).toContain(status);
      expect(probe.vm.failure).toBeNull();
      // The stream still works afterwards.
      expect(probe.call(stream.context, "proxy_get_header_map_pairs", 0, 100, 104)).toBe(Status.Ok);
    });
  }

  it("a length that wraps around the address space is out of bounds, not a small read", async () => {
    const probe = await startProbe();
    const [key] = probe.put(200, "x");
    expect(probe.call(probe.stream().context, "proxy_get_header_map_value", 0, key, 0xffffffff, 100, 104)).toBe(Status.InvalidMemoryAccess);
  });

  it("out-slots past the end of memory are refused before anything is allocated", async () => {
    const probe = await startProbe({ vmConfig: "abc" });
    const allocations = probe.vm.instance.exports.allocations as WebAssembly.Global;
    const before = allocations.value;
    expect(probe.call(probe.plugin.root, "proxy_get_buffer_bytes", 6, 0, 3, HUGE, HUGE)).toBe(Status.InvalidMemoryAccess);
    expect(allocations.value).toBe(before);
  });
});
