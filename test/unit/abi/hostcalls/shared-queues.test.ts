import { describe, expect, it } from "vitest";
import type { Context, ResumeOutcome } from "../../../../abi/context.ts";
import type { HostServices } from "../../../../abi/host-api.ts";
import { LocalSharedQueueRegistry } from "../../../../abi/shared-queues.ts";
import { LogLevel, Status } from "../../../../abi/types.ts";
import { startProbe, type Probe, type StartOptions } from "../support/harness.ts";

const OUT = 100;
const NAME = 200;
const VALUE = 300;
const VM_ID = 400;
/** The first address past the probe's 4 pages of memory. */
const BEYOND = 4 * 65536;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * A `proxy_on_queue_ready` that records its arguments and the call count in exported globals,
 * dequeues one item itself (status in `ready_status`, bytes at 500/504), traps when the
 * exported global `trap_on_ready` is set, and continues the request of the stream whose id is in
 * `continue_stream` (as a filter waiting for a queue message would).
 */
const ON_QUEUE_READY = `
  (global $ready_root (export "ready_root") (mut i32) (i32.const 0))
  (global $ready_token (export "ready_token") (mut i32) (i32.const 0))
  (global $ready_count (export "ready_count") (mut i32) (i32.const 0))
  (global $ready_status (export "ready_status") (mut i32) (i32.const -1))
  (global $trap_on_ready (export "trap_on_ready") (mut i32) (i32.const 0))
  (global $continue_stream (export "continue_stream") (mut i32) (i32.const 0))
  (func (export "proxy_on_queue_ready") (param $root i32) (param $token i32)
    (if (global.get $trap_on_ready) (then unreachable))
    (if (global.get $continue_stream) (then
      (drop (call $proxy_set_effective_context (global.get $continue_stream)))
      (drop (call $proxy_continue_stream (i32.const 0)))))
    (global.set $ready_root (local.get $root))
    (global.set $ready_token (local.get $token))
    (global.set $ready_count (i32.add (global.get $ready_count) (i32.const 1)))
    (global.set $ready_status (call $proxy_dequeue_shared_queue (local.get $token) (i32.const 500) (i32.const 504))))
  (func (export "probe_trap") (result i32) unreachable)`;

const global = (probe: Probe, name: string) => (probe.vm.instance.exports[name] as WebAssembly.Global).value as number;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Probes sharing one fresh registry (the default isolate-local one would leak between tests). */
function world(extra: HostServices = {}) {
  const services: HostServices = { queues: new LocalSharedQueueRegistry(), ...extra };
  return (options: StartOptions = {}) => startProbe({ services, extra: ON_QUEUE_READY, ...options });
}

function register(probe: Probe, name: string, context: Context = probe.plugin.root): { status: number; token: number } {
  const [n, len] = probe.put(NAME, name);
  const status = probe.call(context, "proxy_register_shared_queue", n, len, OUT);
  return { status, token: probe.u32(OUT) };
}

function resolve(probe: Probe, vmId: string, name: string): { status: number; token: number } {
  probe.put(OUT, new Uint8Array(4));
  const [v, vLen] = probe.put(VM_ID, vmId);
  const [n, nLen] = probe.put(NAME, name);
  const status = probe.call(probe.plugin.root, "proxy_resolve_shared_queue", v, vLen, n, nLen, OUT);
  return { status, token: probe.u32(OUT) };
}

function enqueue(probe: Probe, token: number, value: string, context: Context = probe.plugin.root): number {
  const [v, len] = probe.put(VALUE, value);
  return probe.call(context, "proxy_enqueue_shared_queue", token, v, len);
}

function dequeue(probe: Probe, token: number): number {
  return probe.call(probe.plugin.root, "proxy_dequeue_shared_queue", token, OUT, OUT + 4);
}

describe("shared queue host calls", () => {
  it("register answers a non-zero token, the same one again for the same name", async () => {
    const probe = await world()();
    const first = register(probe, "jobs");
    expect(first.status).toBe(Status.Ok);
    expect(first.token).not.toBe(0);
    expect(register(probe, "jobs").token).toBe(first.token);
    expect(register(probe, "other").token).not.toBe(first.token);
  });

  it("resolve finds a queue by VM id and name; an empty VM id means the caller's", async () => {
    const start = world();
    const owner = await start({ vmId: "vm-a" });
    const other = await start({ vmId: "vm-b" });
    const { token } = register(owner, "jobs");
    expect(resolve(owner, "", "jobs")).toEqual({ status: Status.Ok, token });
    expect(resolve(other, "vm-a", "jobs")).toEqual({ status: Status.Ok, token });
    expect(resolve(other, "", "jobs").status).toBe(Status.NotFound);
    expect(resolve(owner, "vm-a", "missing").status).toBe(Status.NotFound);
  });

  it("items come out in order; an empty queue is Empty (7), not NotFound", async () => {
    const probe = await world()({ extra: "" });
    const { token } = register(probe, "fifo");
    expect(dequeue(probe, token)).toBe(Status.Empty);
    expect(enqueue(probe, token, "one")).toBe(Status.Ok);
    expect(enqueue(probe, token, "two")).toBe(Status.Ok);
    expect(dequeue(probe, token)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("one");
    expect(dequeue(probe, token)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("two");
    expect(dequeue(probe, token)).toBe(Status.Empty);
  });

  it("an empty item is dequeued as 0/0", async () => {
    const probe = await world()({ extra: "" });
    const { token } = register(probe, "q");
    expect(probe.call(probe.plugin.root, "proxy_enqueue_shared_queue", token, VALUE, 0)).toBe(Status.Ok);
    probe.put(OUT, new Uint8Array(8).fill(0xff));
    expect(dequeue(probe, token)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
  });

  it("an unknown token is NotFound for enqueue and dequeue", async () => {
    const probe = await world()();
    expect(enqueue(probe, 9999, "x")).toBe(Status.NotFound);
    expect(dequeue(probe, 9999)).toBe(Status.NotFound);
    expect(dequeue(probe, 0)).toBe(Status.NotFound);
  });

  it("on_queue_ready runs after the enqueuing host call returned, with the registrant's root id", async () => {
    const probe = await world()();
    const stream = probe.stream();
    // Registered from a stream: the receiver is still the stream's root context.
    const { token } = register(probe, "jobs", stream.context);
    expect(enqueue(probe, token, "job-1", stream.context)).toBe(Status.Ok);
    expect(global(probe, "ready_count")).toBe(0);
    await settle();
    expect(global(probe, "ready_count")).toBe(1);
    expect(global(probe, "ready_root")).toBe(probe.plugin.root.id);
    expect(global(probe, "ready_root")).not.toBe(stream.context.id);
    expect(global(probe, "ready_token")).toBe(token);
    // The callback could dequeue the item itself.
    expect(global(probe, "ready_status")).toBe(Status.Ok);
    expect(text(probe.returned(500))).toBe("job-1");
  });

  it("an item enqueued by another VM is delivered to the registrant's VM only", async () => {
    const start = world();
    const receiver = await start({ vmId: "shared" });
    const producer = await start({ vmId: "producer" });
    register(receiver, "jobs");
    const { token } = resolve(producer, "shared", "jobs");
    expect(enqueue(producer, token, "from producer")).toBe(Status.Ok);
    await settle();
    expect(global(receiver, "ready_count")).toBe(1);
    expect(global(receiver, "ready_token")).toBe(token);
    expect(global(producer, "ready_count")).toBe(0);
    expect(text(receiver.returned(500))).toBe("from producer");
  });

  it("one on_queue_ready per enqueue", async () => {
    const probe = await world()();
    const { token } = register(probe, "q");
    enqueue(probe, token, "a");
    enqueue(probe, token, "b");
    enqueue(probe, token, "c");
    await settle();
    expect(global(probe, "ready_count")).toBe(3);
  });

  it("the host's scheduler runs the delivery when it provides one", async () => {
    const tasks: (() => void)[] = [];
    const probe = await world({ schedule: (task) => void tasks.push(task) })();
    const { token } = register(probe, "q");
    enqueue(probe, token, "x");
    await settle();
    expect(global(probe, "ready_count")).toBe(0);
    expect(tasks).toHaveLength(1);
    tasks[0]!();
    expect(global(probe, "ready_count")).toBe(1);
  });

  it("even a scheduler that runs the task at once cannot nest the callback in the host call", async () => {
    const probe = await world({ schedule: (task) => task() })();
    const { token } = register(probe, "q");
    expect(enqueue(probe, token, "x")).toBe(Status.Ok);
    expect(global(probe, "ready_count")).toBe(0);
    await settle();
    expect(global(probe, "ready_count")).toBe(1);
  });

  it("a guest without proxy_on_queue_ready just keeps the items", async () => {
    const probe = await world()({ extra: "" });
    const { token } = register(probe, "q");
    expect(enqueue(probe, token, "kept")).toBe(Status.Ok);
    await settle();
    expect(dequeue(probe, token)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("kept");
  });

  it("a trap in on_queue_ready fails that VM, is logged, and does not escape", async () => {
    const probe = await world()();
    const { token } = register(probe, "q");
    (probe.vm.instance.exports.trap_on_ready as WebAssembly.Global).value = 1;
    enqueue(probe, token, "x");
    await settle();
    expect(probe.vm.failure?.callback).toBe("proxy_on_queue_ready");
    expect(probe.host.logs.some((line) => line.level === LogLevel.Error && line.message.includes("proxy_on_queue_ready"))).toBe(true);
  });

  it("a stream the callback continued is woken; a trap in the callback fails the paused streams", async () => {
    const probe = await world()();
    const { token } = register(probe, "q");
    const waiting = probe.stream().context;
    const outcomes: ResumeOutcome[] = [];
    waiting.waiter = { direction: "request", resolve: (outcome) => void outcomes.push(outcome) };
    (probe.vm.instance.exports.continue_stream as WebAssembly.Global).value = waiting.id;
    enqueue(probe, token, "go");
    await settle();
    expect(outcomes).toEqual([{ kind: "continue" }]);

    const failing = probe.stream().context;
    failing.waiter = { direction: "request", resolve: (outcome) => void outcomes.push(outcome) };
    (probe.vm.instance.exports.continue_stream as WebAssembly.Global).value = 0;
    (probe.vm.instance.exports.trap_on_ready as WebAssembly.Global).value = 1;
    enqueue(probe, token, "boom");
    await settle();
    expect(outcomes[1]).toMatchObject({ kind: "failed", reason: expect.stringContaining("proxy_on_queue_ready") });
  });

  it("a failed registrant gets no more deliveries, and the next VM to register takes over", async () => {
    const start = world();
    const dead = await start({ vmId: "shared" });
    const producer = await start({ vmId: "producer" });
    const { token } = register(dead, "jobs");
    expect(() => dead.call(dead.plugin.root, "trap")).toThrow();
    expect(dead.vm.failure).not.toBeNull();
    expect(enqueue(producer, token, "waiting")).toBe(Status.Ok);
    await settle();
    expect(global(dead, "ready_count")).toBe(0);

    const fresh = await start({ vmId: "shared" });
    expect(register(fresh, "jobs").token).toBe(token);
    expect(enqueue(fresh, token, "next")).toBe(Status.Ok);
    await settle();
    expect(global(fresh, "ready_count")).toBe(1);
    // The item queued while nobody listened is still first in line.
    expect(text(fresh.returned(500))).toBe("waiting");
  });

  it("a live registrant stays the receiver when another VM registers the same queue", async () => {
    const start = world();
    const first = await start({ vmId: "shared" });
    const second = await start({ vmId: "shared" });
    const { token } = register(first, "jobs");
    expect(register(second, "jobs").token).toBe(token);
    enqueue(second, token, "x");
    await settle();
    expect(global(first, "ready_count")).toBe(1);
    expect(global(second, "ready_count")).toBe(0);
  });

  it("out-of-bounds names, values and out-slots are InvalidMemoryAccess", async () => {
    const probe = await world()({ extra: "" });
    const root = probe.plugin.root;
    const { token } = register(probe, "q");
    const [n, nLen] = probe.put(NAME, "q");
    expect(probe.call(root, "proxy_register_shared_queue", BEYOND - 1, 2, OUT)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_register_shared_queue", n, nLen, BEYOND - 3)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_resolve_shared_queue", BEYOND, 1, n, nLen, OUT)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_resolve_shared_queue", 0, 0, 0xffffffff, 2, OUT)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_resolve_shared_queue", 0, 0, n, nLen, BEYOND)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_enqueue_shared_queue", token, BEYOND - 1, 2)).toBe(Status.InvalidMemoryAccess);
    enqueue(probe, token, "stays");
    expect(probe.call(root, "proxy_dequeue_shared_queue", token, BEYOND, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_dequeue_shared_queue", token, OUT, BEYOND - 1)).toBe(Status.InvalidMemoryAccess);
    // The bad dequeues did not consume the item.
    expect(dequeue(probe, token)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("stays");
  });

  it("without host services the VMs of one isolate share the isolate-local registry", async () => {
    const vmId = `isolate-${Math.random()}`;
    const a = await startProbe({ vmId, extra: ON_QUEUE_READY });
    const b = await startProbe({ vmId, extra: ON_QUEUE_READY });
    const { token } = register(a, "q");
    expect(resolve(b, "", "q")).toEqual({ status: Status.Ok, token });
    enqueue(b, token, "hi");
    await settle();
    expect(global(a, "ready_count")).toBe(1);
  });
});
