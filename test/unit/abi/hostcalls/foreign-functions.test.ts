import { describe, expect, it } from "vitest";
import { foreignFunctions, type ForeignFunction } from "../../../../abi/foreign-functions.ts";
import { LogLevel, Status } from "../../../../abi/types.ts";
import type { Vm } from "../../../../abi/vm.ts";
import { startProbe, type Probe } from "../support/harness.ts";

const OUT = 100;
const NAME = 200;
const ARGS = 300;
/** The first address past the probe's 4 pages of memory. */
const BEYOND = 4 * 65536;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const allocations = (probe: Probe) => (probe.vm.instance.exports.allocations as WebAssembly.Global).value as number;

function call(probe: Probe, name: string, args: string, resultsPtrOut = OUT, resultsLenOut = OUT + 4): number {
  const [n, nLen] = probe.put(NAME, name);
  const [a, aLen] = probe.put(ARGS, args);
  return probe.call(probe.plugin.root, "proxy_call_foreign_function", n, nLen, a, aLen, resultsPtrOut, resultsLenOut);
}

describe("foreign function host call", () => {
  it("an unknown name is NotFound", async () => {
    const probe = await startProbe();
    expect(call(probe, "no_such_function", "")).toBe(Status.NotFound);
  });

  it("clear_route_cache is built in: OK with an empty result, written as 0/0", async () => {
    const probe = await startProbe();
    probe.put(OUT, new Uint8Array(8).fill(0xff));
    const before = allocations(probe);
    expect(call(probe, "clear_route_cache", "")).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
    expect(allocations(probe)).toBe(before);
  });

  it("a host function gets the argument bytes and the VM, and its result comes back through the allocator", async () => {
    let seen: { args: string; filter: string } | null = null;
    const shout: ForeignFunction = (args: Uint8Array, vm: Vm) => {
      seen = { args: text(args), filter: vm.filter };
      return { status: Status.Ok, result: new TextEncoder().encode(text(args).toUpperCase()) };
    };
    const probe = await startProbe({ services: { foreignFunctions: foreignFunctions({ shout }) } });
    expect(call(probe, "shout", "hello")).toBe(Status.Ok);
    expect(seen).toEqual({ args: "hello", filter: "probe" });
    expect(text(probe.returned(OUT))).toBe("HELLO");
    // The built-ins stay available next to the host's own functions.
    expect(call(probe, "clear_route_cache", "")).toBe(Status.Ok);
  });

  it("results are not allocated when the guest passes →ptr 0", async () => {
    const echo: ForeignFunction = (args) => ({ status: Status.Ok, result: args });
    const probe = await startProbe({ services: { foreignFunctions: foreignFunctions({ echo }) } });
    const before = allocations(probe);
    expect(call(probe, "echo", "ignored", 0, 0)).toBe(Status.Ok);
    expect(allocations(probe)).toBe(before);
  });

  it("the function's own status is passed through without touching the out-slots", async () => {
    const refuse: ForeignFunction = () => ({ status: Status.BadArgument, result: new Uint8Array([1]) });
    const probe = await startProbe({ services: { foreignFunctions: foreignFunctions({ refuse }) } });
    probe.put(OUT, new Uint8Array(8).fill(0xab));
    expect(call(probe, "refuse", "x")).toBe(Status.BadArgument);
    expect(probe.u32(OUT)).toBe(0xabababab);
  });

  it("a function that throws is InternalFailure and a log line, not an exception in the guest", async () => {
    const broken: ForeignFunction = () => {
      throw new Error("boom");
    };
    const probe = await startProbe({ services: { foreignFunctions: foreignFunctions({ broken }) } });
    expect(call(probe, "broken", "")).toBe(Status.InternalFailure);
    expect(probe.host.logs).toContainEqual(expect.objectContaining({ level: LogLevel.Error, message: expect.stringContaining("boom") }));
    expect(probe.vm.failure).toBeNull();
  });

  it("out-of-bounds name, arguments and result slots are InvalidMemoryAccess", async () => {
    const echo: ForeignFunction = (args) => ({ status: Status.Ok, result: args });
    const probe = await startProbe({ services: { foreignFunctions: foreignFunctions({ echo }) } });
    const root = probe.plugin.root;
    const [n, nLen] = probe.put(NAME, "echo");
    expect(probe.call(root, "proxy_call_foreign_function", BEYOND - 1, 4, ARGS, 1, OUT, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_call_foreign_function", n, nLen, BEYOND, 1, OUT, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_call_foreign_function", n, nLen, ARGS, 0xffffffff, OUT, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_call_foreign_function", n, nLen, ARGS, 1, BEYOND, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_call_foreign_function", n, nLen, ARGS, 1, OUT, BEYOND - 1)).toBe(Status.InvalidMemoryAccess);
  });
});
