import { describe, expect, it } from "vitest";
import { HOST_CALLS } from "../../../abi/imports.ts";
import { Errno, LogLevel } from "../../../abi/types.ts";
import { wasiImports } from "../../../abi/wasi.ts";
import { Vm } from "../../../abi/vm.ts";
import { compileWat } from "./support/probe.ts";
import { recordingHost } from "./support/harness.ts";

/** A reactor that calls WASI from exported helpers, like Go's runtime does at start-up. */
const GUEST = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "written to stderr\\n")
  (func (export "proxy_abi_version_0_2_0"))
  (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 4096))
  (func (export "write_stderr") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 18))
    (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "written") (result i32) (i32.load (i32.const 8)))
  (func (export "prestat") (result i32) (call $fd_prestat_get (i32.const 3) (i32.const 100)))
  (func (export "poll") (result i32) (call $poll_oneoff (i32.const 200) (i32.const 300) (i32.const 1) (i32.const 400)))
  (func (export "env_sizes") (result i32) (call $environ_sizes_get (i32.const 500) (i32.const 504)))
  (func (export "env_get") (result i32) (call $environ_get (i32.const 600) (i32.const 700)))
  (func (export "clock") (param i32) (result i32) (call $clock_time_get (local.get 0) (i64.const 1) (i32.const 800)))
  (func (export "random") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  (func (export "exit") (call $proc_exit (i32.const 3)))
)`;

async function start(env: Record<string, string> = {}) {
  const host = recordingHost();
  const vm = Vm.create(await compileWat(GUEST), { filter: "wasi", vmId: "wasi", abi: "0.2.0", env, host });
  const call = (name: string, ...args: number[]) => vm.call(null, name, vm.instance.exports[name] as (...a: number[]) => number, args);
  const view = () => new DataView(vm.exports.memory.buffer);
  return { vm, host, call, view };
}

describe("WASI preview1", () => {
  it("offers all 46 functions, under both module names", () => {
    expect(Object.keys(wasiImports({} as Vm))).toHaveLength(46);
    expect(Object.keys(HOST_CALLS)).toHaveLength(43);
  });

  it("fd_write to stderr logs an error line without its newline and reports the bytes written", async () => {
    const { call, host } = await start();
    expect(call("write_stderr")).toBe(Errno.Success);
    expect(call("written")).toBe(18);
    expect(host.logs).toContainEqual({ filter: "wasi", level: LogLevel.Error, message: "written to stderr" });
  });

  it("fd_prestat_get answers BADF, which ends Go's pre-opened directory probe", async () => {
    expect((await start()).call("prestat")).toBe(Errno.Badf);
  });

  it("poll_oneoff succeeds with no events, as Go's runtime requires", async () => {
    const { call, view } = await start();
    expect(call("poll")).toBe(Errno.Success);
    expect(view().getUint32(400, true)).toBe(0);
  });

  it("the environment is the plugin's own, never the host's", async () => {
    const { call, view, vm } = await start({ GREETING: "hi", MODE: "test" });
    expect(call("env_sizes")).toBe(Errno.Success);
    expect(view().getUint32(500, true)).toBe(2);
    expect(view().getUint32(504, true)).toBe("GREETING=hi\0MODE=test\0".length);
    expect(call("env_get")).toBe(Errno.Success);
    const first = view().getUint32(600, true);
    const bytes = new Uint8Array(vm.exports.memory.buffer, first, 12);
    expect(new TextDecoder().decode(bytes)).toBe("GREETING=hi\0");
  });

  it("clock_time_get serves the realtime and monotonic clocks and refuses others", async () => {
    const { call, view } = await start();
    expect(call("clock", 0)).toBe(Errno.Success);
    expect(view().getBigUint64(800, true)).toBe(1_700_000_000_123_456_789n);
    expect(call("clock", 1)).toBe(Errno.Success);
    expect(view().getBigUint64(800, true)).toBe(42n);
    expect(call("clock", 2)).toBe(Errno.Notsup);
  });

  it("random_get fills the buffer and refuses out-of-bounds ranges", async () => {
    const { call, view } = await start();
    expect(call("random", 900, 4)).toBe(Errno.Success);
    expect(view().getUint32(900, true)).toBe(0x07070707);
    expect(call("random", 65530, 100)).toBe(Errno.Fault);
  });

  it("proc_exit fails the call and poisons the VM", async () => {
    const { call, vm } = await start();
    expect(() => call("exit")).toThrow(/proc_exit\(3\)/);
    expect(vm.failure?.kind).toBe("runtime");
    expect(() => call("poll")).toThrow();
  });
});
