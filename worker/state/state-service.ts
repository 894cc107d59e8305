/**
 * The gateway's global state service: `abi/`'s GlobalStateService over the Durable Object
 * namespace, one object per (VM id, shard). A stub belongs to the request that made it, so
 * every call makes its own (a few µs).
 * @module
 */
import type { GlobalStateAccess, GlobalStateService } from "../../abi/global-state.ts";
import type { Status } from "../../abi/types.ts";
import { SharedDataReadCache } from "./read-cache.ts";
import { shardName } from "./shards.ts";
import type { ProxyWasmState } from "./state-object.ts";

export type StateNamespace = DurableObjectNamespace<ProxyWasmState>;

/**
 * The service over `namespace`; `cacheMs` > 0 answers reads from an isolate cache up to that old
 * (read-cache.ts), 0 sends every read to the object.
 */
export function globalStateService(namespace: StateNamespace, shards: number, cacheMs = 0): GlobalStateService {
  const shard = (vmId: string, key: string) => namespace.get(namespace.idFromName(shardName(vmId, key, shards)));
  const cache = new SharedDataReadCache(cacheMs);
  const entryOf = (stored: { value: Uint8Array; cas: number } | null) => (stored === null ? null : { value: stored.value, cas: stored.cas });
  return {
    async getData(vmId, key) {
      const cached = cache.get(vmId, key);
      if (cached !== undefined) return cached;
      const entry = entryOf(await shard(vmId, key).getData(vmId, key));
      cache.remember(vmId, key, entry);
      return entry ?? undefined;
    },
    async setData(vmId, key, value, cas) {
      try {
        const { status, entry } = await shard(vmId, key).setData(vmId, key, value, cas);
        cache.remember(vmId, key, entryOf(entry));
        return status as Status;
      } catch (error) {
        cache.forget(vmId, key);
        throw error;
      }
    },
    async registerQueue(vmId, name) {
      await shard(vmId, name).registerQueue(vmId, name);
    },
    async queueExists(vmId, name) {
      return shard(vmId, name).queueExists(vmId, name);
    },
    async enqueue(vmId, name, value) {
      return (await shard(vmId, name).enqueue(vmId, name, value)) as Status;
    },
    async dequeue(vmId, name) {
      const { status, value } = await shard(vmId, name).dequeue(vmId, name);
      return { status: status as Status, value };
    },
    async queueLength(vmId, name) {
      return shard(vmId, name).queueLength(vmId, name);
    },
    locate: (vmId, key) => `shard ${shardName(vmId, key, shards)}`,
  };
}

/** Global state for the gateway when the binding exists, else null (global entries then fail). */
export function globalStateAccess(namespace: StateNamespace | undefined, shards: number, timeoutMs: number, cacheMs: number): GlobalStateAccess | null {
  return namespace ? { service: globalStateService(namespace, shards, cacheMs), timeoutMs } : null;
}
