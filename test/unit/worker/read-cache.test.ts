import { describe, expect, it } from "vitest";
import { SharedDataReadCache } from "../../../worker/state/read-cache.ts";

const entry = (cas: number) => ({ value: new Uint8Array([cas]), cas });

describe("the read cache of global shared data", () => {
  it("answers a remembered entry until it is older than its age limit", () => {
    const cache = new SharedDataReadCache(1000);
    cache.remember("vm", "k", entry(7), 10_000);
    expect(cache.get("vm", "k", 10_500)?.cas).toBe(7);
    expect(cache.get("vm", "k", 11_001)).toBeUndefined();
    expect(cache.get("other-vm", "k", 10_500)).toBeUndefined();
  });

  it("never keeps an absent key, so a write with CAS 0 cannot follow a stale NotFound", () => {
    const cache = new SharedDataReadCache(1000);
    cache.remember("vm", "k", entry(7), 10_000);
    cache.remember("vm", "k", null, 10_100);
    expect(cache.get("vm", "k", 10_200)).toBeUndefined();
  });

  it("forgets a key whose last call failed, and keeps nothing with an age limit of 0", () => {
    const cache = new SharedDataReadCache(1000);
    cache.remember("vm", "k", entry(7));
    cache.forget("vm", "k");
    expect(cache.get("vm", "k")).toBeUndefined();
    const off = new SharedDataReadCache(0);
    off.remember("vm", "k", entry(7));
    expect(off.get("vm", "k")).toBeUndefined();
  });
});
