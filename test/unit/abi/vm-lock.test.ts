import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HOLDER_GONE_MS, VmLock, VmLockHolderGone, VmLockTimeout } from "../../../abi/vm-lock.ts";

/** A task that runs until `finish` is called, recording when it started. */
function heldTask(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { finish, task: async () => (log.push(`${name} starts`), await done, log.push(`${name} ends`), name) };
}

describe("the lock of a VM whose callbacks may suspend", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs one task at a time, in the order they asked", async () => {
    const lock = new VmLock(60_000, () => {});
    const log: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((name) => heldTask(log, name));
    const results = [lock.run(a.task), lock.run(b.task), lock.run(c.task)];
    await vi.advanceTimersByTimeAsync(5);
    expect(log).toEqual(["a starts"]);
    a.finish();
    await vi.advanceTimersByTimeAsync(5);
    expect(log).toEqual(["a starts", "a ends", "b starts"]);
    b.finish();
    c.finish();
    expect(await Promise.all(results.map(async (r) => (await vi.advanceTimersByTimeAsync(50), r)))).toEqual(["a", "b", "c"]);
    expect(lock.locked).toBe(false);
  });

  it("a waiting task keeps a timer of its own running (on workerd, what keeps its request from being cancelled as hung)", async () => {
    const lock = new VmLock(60_000, () => {});
    const log: string[] = [];
    const a = heldTask(log, "a");
    void lock.run(a.task);
    expect(vi.getTimerCount()).toBe(0);
    void lock.run(async () => "b");
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBe(1);
    a.finish();
  });

  it("a holder that never suspends sets no timer; one whose callback waits for I/O beats until its task ends", async () => {
    const lock = new VmLock(60_000, () => {});
    const log: string[] = [];
    expect(await lock.run(async () => "sync")).toBe("sync");
    expect(vi.getTimerCount()).toBe(0);
    const a = heldTask(log, "a");
    const done = lock.run(async () => {
      lock.holderWaits();
      return a.task();
    });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(vi.getTimerCount()).toBe(1);
    a.finish();
    await done;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the holder does not start the next task itself: the waiter's own timer does (so it runs in the waiter's request)", async () => {
    const lock = new VmLock(60_000, () => {});
    const log: string[] = [];
    const a = heldTask(log, "a");
    void lock.run(a.task);
    void lock.run(async () => void log.push("b runs"));
    a.finish();
    // Every promise the holder settles has settled, and still b has not run.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(log).toEqual(["a starts", "a ends"]);
    expect(lock.locked).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(["a starts", "a ends", "b runs"]);
    expect(lock.locked).toBe(false);
  });

  it("a task whose turn does not come in time gives up and reports the VM stuck; those behind it still get theirs", async () => {
    const stuck: VmLockTimeout[] = [];
    const lock = new VmLock(1_000, (timeout) => stuck.push(timeout));
    const log: string[] = [];
    const a = heldTask(log, "a");
    void lock.run(a.task);
    const b = lock.run(async () => "b");
    b.catch(() => {});
    await vi.advanceTimersByTimeAsync(600);
    const c = lock.run(async () => "c");
    await vi.advanceTimersByTimeAsync(500);
    await expect(b).rejects.toBeInstanceOf(VmLockTimeout);
    expect(stuck).toHaveLength(1);
    a.finish();
    await vi.advanceTimersByTimeAsync(50);
    expect(await c).toBe("c");
  });

  it("a suspended holder slower than HOLDER_GONE_MS whose request is still there keeps the lock", async () => {
    const stuck: VmLockTimeout[] = [];
    const lock = new VmLock(60_000, (timeout) => stuck.push(timeout));
    const log: string[] = [];
    const a = heldTask(log, "a");
    void lock.run(async () => (lock.holderWaits(), a.task()));
    const b = lock.run(async () => "b");
    await vi.advanceTimersByTimeAsync(HOLDER_GONE_MS * 3);
    expect(stuck).toEqual([]);
    expect(log).toEqual(["a starts"]);
    a.finish();
    await vi.advanceTimersByTimeAsync(50);
    expect(await b).toBe("b");
  });

  it("a holder whose request is gone (its timers never run again) is reported within about HOLDER_GONE_MS, and the queue moves on", async () => {
    const stuck: VmLockTimeout[] = [];
    const lock = new VmLock(60_000, (timeout) => stuck.push(timeout));
    const log: string[] = [];
    const a = heldTask(log, "a");
    // The holder's callback suspends, then its request is cancelled: the timers it set never fire.
    const setTimer = globalThis.setTimeout;
    globalThis.setTimeout = (() => 0) as unknown as typeof setTimeout;
    try {
      void lock.run(async () => (lock.holderWaits(), a.task()));
    } finally {
      globalThis.setTimeout = setTimer;
    }
    const b = lock.run(async () => "b");
    const c = lock.run(async () => "c");
    await vi.advanceTimersByTimeAsync(HOLDER_GONE_MS + 500);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toBeInstanceOf(VmLockHolderGone);
    expect(await b).toBe("b");
    expect(await c).toBe("c");
    expect(lock.locked).toBe(false);
    // Had the gone holder ended after all, it would not release a lock that moved on.
    const d = heldTask(log, "d");
    void lock.run(d.task);
    a.finish();
    await vi.advanceTimersByTimeAsync(10);
    expect(lock.locked).toBe(true);
    d.finish();
    await vi.advanceTimersByTimeAsync(10);
    expect(lock.locked).toBe(false);
  });
});
