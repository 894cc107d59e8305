import { describe, expect, it } from "vitest";
import type { Context } from "../../../abi/context.ts";
import { LocalMetricsRegistry } from "../../../abi/metrics.ts";
import { LocalSharedDataStore } from "../../../abi/shared-data.ts";
import { LocalSharedQueueRegistry } from "../../../abi/shared-queues.ts";
import { Status } from "../../../abi/types.ts";
import { HEAP_START } from "../abi/support/probe.ts";
import { startProbe } from "../abi/support/harness.ts";
import { HOST_CALL_SIGNATURES } from "../abi/support/signatures.ts";
import { SeededRandom, fuzzIterations, fuzzSeed } from "../../fuzz/seeded-random.ts";

const STATUSES = new Set(Object.values(Status).filter((v): v is number => typeof v === "number"));
/** Where the fuzzer writes random bytes and points arguments at (below the probe's heap). */
const SCRATCH = 1024;
const SCRATCH_SIZE = 16 * 1024;

describe("every host call with random and extreme arguments (seeded fuzzing)", () => {
  const seed = fuzzSeed(7);
  const iterations = fuzzIterations(3000);

  it(`answers a status, never throws a host error, and leaves the VM serving (seed ${seed}, ${iterations} calls)`, async () => {
    const random = new SeededRandom(seed);
    const probe = await startProbe({
      services: { sharedData: new LocalSharedDataStore(), queues: new LocalSharedQueueRegistry(), metrics: new LocalMetricsRegistry() },
    });
    const names = Object.keys(HOST_CALL_SIGNATURES);
    const streams = [probe.stream([[":path", "/"], ["x-a", "1"]]), probe.stream()];
    const argument = (kind: string): number | bigint => {
      if (kind === "J") return BigInt.asUintN(64, BigInt(random.u32()) * BigInt(random.u32()));
      // Half the pointers land in the scratch area, where the fuzzer put random bytes.
      return random.next() < 0.5 ? SCRATCH + random.below(SCRATCH_SIZE) : random.u32();
    };
    for (let i = 0; i < iterations; i++) {
      if (i % 50 === 0) {
        const bytes = new Uint8Array(SCRATCH_SIZE);
        for (let b = 0; b < bytes.length; b++) bytes[b] = random.next() < 0.3 ? 0 : random.below(256);
        probe.put(SCRATCH, bytes);
      }
      const name = random.pick(names);
      const args = [...HOST_CALL_SIGNATURES[name]].map(argument);
      const context: Context = random.next() < 0.3 ? probe.plugin.root : random.pick(streams).context;
      const replay = `call ${i}: ${name}(${args.join(", ")}) — replay with FUZZ_SEED=${seed}`;
      let status: number;
      try {
        status = probe.call(context, name, ...args);
      } catch (error) {
        throw new Error(`${replay} threw ${(error as Error).stack}`);
      }
      expect(STATUSES.has(status), replay).toBe(true);
    }
    const hostBugs = probe.host.logs.filter((line) => line.message.startsWith("host call"));
    expect(hostBugs.map((line) => line.message)).toEqual([]);
    expect(probe.vm.failure).toBeNull();
    // Still serving: a fresh stream sizes its headers (without allocating: the probe's bump
    // allocator may have used up its memory by now).
    const stream = probe.stream([["x-after", "ok"]]);
    expect(probe.call(stream.context, "proxy_get_header_map_size", 0, HEAP_START - 32)).toBe(Status.Ok);
    expect(probe.u32(HEAP_START - 32)).toBeGreaterThan(0);
  });
});
