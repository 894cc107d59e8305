/**
 * The shared key-value store of proxy-wasm-abi.md §1.8: keys scoped per VM id, each value with a
 * compare-and-swap number. The host calls see only the `SharedDataStore` interface, so a
 * distributed backend (a Durable Object, KV) can replace the isolate-local default later.
 * @module
 */
import { Status } from "./types.ts";
import type { Vm } from "./vm.ts";

/** One stored value and the CAS number its last write got (never 0). */
export interface SharedDataEntry {
  value: Uint8Array;
  cas: number;
}

/** Where shared data lives. Every method is synchronous: host calls cannot wait. */
export interface SharedDataStore {
  /** The value of `key` in the scope of `vmId`, or undefined when absent. */
  get(vmId: string, key: string): SharedDataEntry | undefined;
  /**
   * Writes `value` (null deletes) when `cas` is 0 or equals the key's current CAS; a missing key
   * is written whatever `cas` says (cpp-host). Answers Ok or CasMismatch.
   */
  set(vmId: string, key: string, value: Uint8Array | null, cas: number): Status;
}

/** The isolate-local store: one Map per VM id and one CAS counter for all of them. */
export class LocalSharedDataStore implements SharedDataStore {
  readonly #scopes = new Map<string, Map<string, SharedDataEntry>>();
  #lastCas = 0;

  get(vmId: string, key: string): SharedDataEntry | undefined {
    return this.#scopes.get(vmId)?.get(key);
  }

  set(vmId: string, key: string, value: Uint8Array | null, cas: number): Status {
    const scope = this.#scopes.get(vmId);
    const current = scope?.get(key);
    if (current !== undefined && cas !== 0 && cas !== current.cas) return Status.CasMismatch;
    if (value === null) {
      scope?.delete(key);
      return Status.Ok;
    }
    const target = scope ?? new Map<string, SharedDataEntry>();
    if (scope === undefined) this.#scopes.set(vmId, target);
    // Copy: the caller's bytes may be a view it reuses.
    target.set(key, { value: value.slice(), cas: this.#nextCas() });
    return Status.Ok;
  }

  /** A new CAS number: the counter wraps at 2^32 and skips 0, which the SDKs read as "no CAS". */
  #nextCas(): number {
    this.#lastCas = (this.#lastCas + 1) >>> 0;
    if (this.#lastCas === 0) this.#lastCas = 1;
    return this.#lastCas;
  }
}

let isolateStore: LocalSharedDataStore | null = null;

/** The store `vm` uses: the host's, else the isolate-local one (created on first use). */
export function sharedDataOf(vm: Vm): SharedDataStore {
  const provided = vm.host.services?.sharedData;
  if (provided) return provided;
  isolateStore ??= new LocalSharedDataStore();
  return isolateStore;
}
