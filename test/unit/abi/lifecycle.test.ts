import { describe, expect, it } from "vitest";
import { HttpExchange } from "../../../abi/exchange.ts";
import { HeaderMap } from "../../../abi/header-map.ts";
import { encodeUtf8 } from "../../../abi/memory.ts";
import { Plugin } from "../../../abi/plugin.ts";
import { Action } from "../../../abi/types.ts";
import { Vm } from "../../../abi/vm.ts";
import { compileWat } from "./support/probe.ts";
import { recordingHost, staticProperties } from "./support/harness.ts";

/**
 * A guest that records every callback it receives as (callback number, context id, arg) triples
 * in memory, so a test can check the exact order and arguments the host used.
 */
function recorderWat(options: { init?: string; allocator?: string; configure?: string; requestHeaders?: string } = {}): string {
  return `(module
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (func $rec (param $what i32) (param $ctx i32) (param $arg i32)
    (i32.store (i32.add (i32.const 1024) (i32.mul (global.get $n) (i32.const 12))) (local.get $what))
    (i32.store (i32.add (i32.const 1028) (i32.mul (global.get $n) (i32.const 12))) (local.get $ctx))
    (i32.store (i32.add (i32.const 1032) (i32.mul (global.get $n) (i32.const 12))) (local.get $arg))
    (global.set $n (i32.add (global.get $n) (i32.const 1))))
  (func (export "count") (result i32) (global.get $n))
  (func (export "proxy_abi_version_0_2_1"))
  ${options.allocator ?? `(func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 8192))`}
  ${options.init ?? `(func (export "_initialize") (call $rec (i32.const 100) (i32.const 0) (i32.const 0)))`}
  (func (export "proxy_on_context_create") (param i32 i32) (call $rec (i32.const 1) (local.get 0) (local.get 1)))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (call $rec (i32.const 2) (local.get 0) (local.get 1)) (i32.const 1))
  (func (export "proxy_on_configure") (param i32 i32) (result i32) (call $rec (i32.const 3) (local.get 0) (local.get 1)) ${options.configure ?? "(i32.const 1)"})
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $rec (i32.const 4) (local.get 0) (local.get 2)) ${options.requestHeaders ?? "(i32.const 0)"})
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (call $rec (i32.const 5) (local.get 0) (local.get 1)) (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (call $rec (i32.const 6) (local.get 0) (i32.const 0)) (i32.const 1))
  (func (export "proxy_on_log") (param i32) (call $rec (i32.const 7) (local.get 0) (i32.const 0)))
  (func (export "proxy_on_delete") (param i32) (call $rec (i32.const 8) (local.get 0) (i32.const 0)))
)`;
}

async function boot(wat: string, config = "{}") {
  const host = recordingHost();
  const vm = Vm.create(await compileWat(wat), { filter: "recorder", vmId: "recorder", abi: "0.2.1", env: {}, host });
  const plugin = Plugin.start(vm, { name: "recorder", rootId: "", configuration: encodeUtf8(config), vmConfiguration: encodeUtf8("vm") });
  const calls = () => {
    const view = new DataView(vm.exports.memory.buffer);
    const n = (vm.instance.exports.count as () => number)();
    return Array.from({ length: n }, (_, i) => [0, 4, 8].map((o) => view.getUint32(1024 + i * 12 + o, true)));
  };
  return { vm, plugin, host, calls };
}

const exchange = () => new HttpExchange(new HeaderMap([[":method", "GET"], [":path", "/"]]), staticProperties());

describe("the lifecycle of a VM, a plugin and a stream", () => {
  it("starts with _initialize, then creates the root context and passes its id to on_vm_start and on_configure", async () => {
    const { calls, plugin } = await boot(recorderWat(), "12345");
    const root = plugin.root.id;
    expect(calls()).toEqual([
      [100, 0, 0],
      [1, root, 0],
      [2, root, 2],
      [3, root, 5],
    ]);
  });

  it("a request's stream gets a fresh context id whose parent is the root, then its callbacks, then done → log → delete", async () => {
    const { calls, plugin } = await boot(recorderWat());
    const stream = plugin.createStream(exchange());
    expect(stream.onRequestHeaders(true)).toBe(Action.Continue);
    stream.context.exchange.responseHeaders = new HeaderMap([[":status", "200"]]);
    expect(stream.onResponseHeaders(false)).toBe(Action.Continue);
    stream.finish();
    stream.finish();
    const id = stream.context.id;
    expect(id).not.toBe(plugin.root.id);
    expect(calls().slice(4)).toEqual([
      [1, id, plugin.root.id],
      [4, id, 1],
      [5, id, 1],
      [6, id, 0],
      [7, id, 0],
      [8, id, 0],
    ]);
  });

  it("two streams never share a context id", async () => {
    const { plugin } = await boot(recorderWat());
    const a = plugin.createStream(exchange());
    const b = plugin.createStream(exchange());
    expect(a.context.id).not.toBe(b.context.id);
  });

  it("any non-zero result of a header callback pauses", async () => {
    const { plugin } = await boot(recorderWat({ requestHeaders: "(i32.const 3)" }));
    expect(plugin.createStream(exchange()).onRequestHeaders(false)).toBe(Action.Pause);
  });

  it("a filter that rejects its configuration fails to start with a configure failure", async () => {
    await expect(boot(recorderWat({ configure: "(i32.const 0)" }))).rejects.toMatchObject({ kind: "configure", filter: "recorder" });
  });

  it("a trap in a callback poisons the VM and names the filter and the callback", async () => {
    const { plugin, vm } = await boot(recorderWat({ requestHeaders: "(unreachable)" }));
    expect(() => plugin.createStream(exchange()).onRequestHeaders(true)).toThrow(/filter "recorder" failed in proxy_on_request_headers/);
    expect(vm.failure?.kind).toBe("runtime");
  });

  it("a trap in _initialize fails the VM's start", async () => {
    await expect(boot(recorderWat({ init: `(func (export "_initialize") unreachable)` }))).rejects.toMatchObject({ kind: "start" });
  });

  it("without _initialize, _start runs, and proc_exit(0) at its end is a normal finish", async () => {
    const wat = recorderWat({ init: `(func (export "_start") (call $exit (i32.const 0)))` }).replace(
      "(memory",
      `(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))\n  (memory`,
    );
    const { vm } = await boot(wat);
    expect(vm.failure).toBeNull();
  });

  it("prefers proxy_on_memory_allocate over malloc, and falls back to malloc", async () => {
    const both = recorderWat({
      allocator: `(func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 8192))
  (func (export "malloc") (param i32) (result i32) unreachable)`,
    });
    const { vm } = await boot(both);
    expect(vm.exports.allocate!(4)).toBe(8192);
    const mallocOnly = recorderWat({ allocator: `(func (export "malloc") (param i32) (result i32) (i32.const 4096))` });
    expect((await boot(mallocOnly)).vm.exports.allocate!(4)).toBe(4096);
  });

  it("a module without any allocator cannot be instantiated", async () => {
    await expect(boot(recorderWat({ allocator: "" }))).rejects.toMatchObject({ kind: "instantiate" });
  });
});

describe("trailers", () => {
  it("trailer callbacks run with their maps readable and writable", async () => {
    const wat = recorderWat().replace(
      '(func (export "proxy_on_done")',
      `(func (export "proxy_on_request_trailers") (param i32 i32) (result i32) (call $rec (i32.const 9) (local.get 0) (local.get 1)) (i32.const 0))
  (func (export "proxy_on_response_trailers") (param i32 i32) (result i32) (call $rec (i32.const 10) (local.get 0) (local.get 1)) (i32.const 1))
  (func (export "proxy_on_done")`,
    );
    const { plugin, calls } = await boot(wat);
    const ex = exchange();
    ex.requestTrailers = new HeaderMap([["grpc-status", "0"]]);
    const stream = plugin.createStream(ex);
    expect(stream.onRequestTrailers(1)).toBe(Action.Continue);
    expect(ex.writableMap(1)).toBe(ex.requestTrailers);
    ex.responseTrailers = new HeaderMap([["a", "1"], ["b", "2"]]);
    expect(stream.onResponseTrailers(2)).toBe(Action.Pause);
    expect(ex.readableMap(3)?.count).toBe(2);
    expect(calls().slice(-2)).toEqual([
      [9, stream.context.id, 1],
      [10, stream.context.id, 2],
    ]);
  });
});
