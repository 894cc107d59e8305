import { describe, expect, it } from "vitest";
import { LocalSharedDataStore } from "../../../../abi/shared-data.ts";
import { Status } from "../../../../abi/types.ts";
import { startProbe, type Probe, type StartOptions } from "../support/harness.ts";

const OUT = 100; // →ptr at 100, →len at 104, →cas at 108
const KEY = 200;
const VALUE = 300;
/** The first address past the probe's 4 pages of memory. */
const BEYOND = 4 * 65536;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A probe with its own store, so tests do not see each other's keys. */
const probeWithStore = (options: StartOptions = {}) => startProbe({ services: { sharedData: new LocalSharedDataStore() }, ...options });

function set(probe: Probe, key: string, value: string | null, cas = 0): number {
  const [k, kLen] = probe.put(KEY, key);
  const [v, vLen] = value === null ? [0, 0] : probe.put(VALUE, value);
  return probe.call(probe.plugin.root, "proxy_set_shared_data", k, kLen, v, vLen, cas);
}

function get(probe: Probe, key: string): number {
  const [k, kLen] = probe.put(KEY, key);
  return probe.call(probe.plugin.root, "proxy_get_shared_data", k, kLen, OUT, OUT + 4, OUT + 8);
}

const allocations = (probe: Probe) => (probe.vm.instance.exports.allocations as WebAssembly.Global).value as number;

describe("shared data host calls", () => {
  it("a value set is read back with a non-zero CAS", async () => {
    const probe = await probeWithStore();
    expect(set(probe, "greeting", "hello")).toBe(Status.Ok);
    expect(get(probe, "greeting")).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("hello");
    expect(probe.u32(OUT + 8)).not.toBe(0);
  });

  it("a missing key is NotFound", async () => {
    const probe = await probeWithStore();
    expect(get(probe, "nothing")).toBe(Status.NotFound);
  });

  it("every write assigns a new CAS, and a stale CAS is CasMismatch", async () => {
    const probe = await probeWithStore();
    set(probe, "k", "1");
    get(probe, "k");
    const first = probe.u32(OUT + 8);
    expect(set(probe, "k", "2", first)).toBe(Status.Ok);
    get(probe, "k");
    const second = probe.u32(OUT + 8);
    expect(second).not.toBe(first);
    expect(set(probe, "k", "3", first)).toBe(Status.CasMismatch);
    get(probe, "k");
    expect(text(probe.returned(OUT))).toBe("2");
    expect(set(probe, "k", "4", 0)).toBe(Status.Ok);
    get(probe, "k");
    expect(text(probe.returned(OUT))).toBe("4");
    expect(probe.u32(OUT + 8)).not.toBe(second);
  });

  it("a CAS on a missing key inserts it", async () => {
    const probe = await probeWithStore();
    expect(set(probe, "fresh", "v", 12345)).toBe(Status.Ok);
    expect(get(probe, "fresh")).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("v");
  });

  it("value pointer 0 with length 0 stores an empty value, as Envoy does (the Go SDK writes an empty slice so)", async () => {
    const probe = await probeWithStore();
    set(probe, "emptied", "x");
    expect(set(probe, "emptied", null)).toBe(Status.Ok);
    expect(get(probe, "emptied")).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
    expect(set(probe, "fresh-empty", null)).toBe(Status.Ok);
    expect(get(probe, "fresh-empty")).toBe(Status.Ok);
  });

  it("an empty write with a stale CAS is CasMismatch and keeps the value", async () => {
    const probe = await probeWithStore();
    set(probe, "kept", "x");
    get(probe, "kept");
    const stale = probe.u32(OUT + 8);
    set(probe, "kept", "y");
    expect(set(probe, "kept", null, stale)).toBe(Status.CasMismatch);
    expect(get(probe, "kept")).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("y");
  });

  it("a non-zero pointer with length 0 stores an empty value, read back as 0/0 without allocating", async () => {
    const probe = await probeWithStore();
    const [k, kLen] = probe.put(KEY, "empty");
    expect(probe.call(probe.plugin.root, "proxy_set_shared_data", k, kLen, VALUE, 0, 0)).toBe(Status.Ok);
    probe.put(OUT, new Uint8Array(8).fill(0xff));
    const before = allocations(probe);
    expect(get(probe, "empty")).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
    expect(probe.u32(OUT + 8)).not.toBe(0);
    expect(allocations(probe)).toBe(before);
  });

  it("keys are scoped per VM id: same id shares, another id does not", async () => {
    const services = { sharedData: new LocalSharedDataStore() };
    const a = await startProbe({ services, vmId: "vm-a" });
    const sameId = await startProbe({ services, vmId: "vm-a", filter: "other" });
    const otherId = await startProbe({ services, vmId: "vm-b" });
    set(a, "k", "from a");
    expect(get(sameId, "k")).toBe(Status.Ok);
    expect(text(sameId.returned(OUT))).toBe("from a");
    expect(get(otherId, "k")).toBe(Status.NotFound);
  });

  it("without host services the VMs of one isolate share the isolate-local store", async () => {
    const vmId = `isolate-${Math.random()}`;
    const a = await startProbe({ vmId });
    const b = await startProbe({ vmId });
    expect(set(a, "k", "shared")).toBe(Status.Ok);
    expect(get(b, "k")).toBe(Status.Ok);
    expect(text(b.returned(OUT))).toBe("shared");
  });

  it("works from a stream context too", async () => {
    const probe = await probeWithStore();
    set(probe, "k", "v");
    const [k, kLen] = probe.put(KEY, "k");
    expect(probe.call(probe.stream().context, "proxy_get_shared_data", k, kLen, OUT, OUT + 4, OUT + 8)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("v");
  });

  it("out-of-bounds key, value and out-slots are InvalidMemoryAccess", async () => {
    const probe = await probeWithStore();
    const root = probe.plugin.root;
    set(probe, "k", "v");
    const [k, kLen] = probe.put(KEY, "k");
    expect(probe.call(root, "proxy_set_shared_data", BEYOND - 1, 2, VALUE, 1, 0)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_set_shared_data", k, kLen, BEYOND, 1, 0)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_set_shared_data", k, kLen, 0, 0xffffffff, 0)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_get_shared_data", 0xfffffff0, 0x20, OUT, OUT + 4, OUT + 8)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_get_shared_data", k, kLen, BEYOND, OUT + 4, OUT + 8)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_get_shared_data", k, kLen, OUT, BEYOND - 2, OUT + 8)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(root, "proxy_get_shared_data", k, kLen, OUT, OUT + 4, BEYOND)).toBe(Status.InvalidMemoryAccess);
    // The failed writes changed nothing.
    expect(get(probe, "k")).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("v");
  });
});
