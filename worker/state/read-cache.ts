/**
 * The read cache of global shared data in one isolate: a `get` answered from here saves a round
 * trip to the key's object. Only reads can be stale, by at most the cache's age limit: every
 * write still goes to the object with the filter's CAS, so a write computed from a stale value
 * fails with CasMismatch — and the object's answer refreshes the entry, so the SDK's retry reads
 * the current value. (A rate limiter's get-then-set costs one round trip instead of two.)
 * Absent keys are never cached: a filter that saw NotFound writes with CAS 0, which no object
 * can check, so a stale "absent" could overwrite another isolate's write.
 * @module
 */
import type { SharedDataEntry } from "../../abi/shared-data.ts";

/** Entries kept at most; past it the cache starts over (it is only an optimisation). */
const MAX_ENTRIES = 10_000;

export class SharedDataReadCache {
  readonly #entries = new Map<string, { entry: SharedDataEntry; at: number }>();

  constructor(readonly maxAgeMs: number) {}

  /** The cached entry, or undefined when unknown, absent or too old. */
  get(vmId: string, key: string, now = Date.now()): SharedDataEntry | undefined {
    if (this.maxAgeMs <= 0) return undefined;
    const cached = this.#entries.get(`${vmId}\u0000${key}`);
    return cached !== undefined && now - cached.at <= this.maxAgeMs ? cached.entry : undefined;
  }

  /** What the key's object said the entry is now (null: absent, which is not kept). */
  remember(vmId: string, key: string, entry: SharedDataEntry | null, now = Date.now()): void {
    if (this.maxAgeMs <= 0) return;
    if (entry === null) return this.forget(vmId, key);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(`${vmId}\u0000${key}`, { entry, at: now });
  }

  /** After a call whose outcome is unknown (it failed or timed out). */
  forget(vmId: string, key: string): void {
    this.#entries.delete(`${vmId}\u0000${key}`);
  }
}
