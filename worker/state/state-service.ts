/**
 * The gateway's global state service: `abi/`'s GlobalStateService over the Durable Object
 * namespace, one object per (VM id, shard). A stub belongs to the request that made it, so
 * every call makes its own (a few µs).
 * @module
 */
import type { GlobalStateAccess, GlobalStateService } from "../../abi/global-state.ts";
import type { Status } from "../../abi/types.ts";
import { shardName } from "./shards.ts";
import type { ProxyWasmState } from "./state-object.ts";

export type StateNamespace = DurableObjectNamespace<ProxyWasmState>;

export function globalStateService(namespace: StateNamespace, shards: number): GlobalStateService {
  const shard = (vmId: string, key: string) => namespace.get(namespace.idFromName(shardName(vmId, key, shards)));
  return {
    async getData(vmId, key) {
      const entry = await shard(vmId, key).getData(vmId, key);
      return entry === null ? undefined : { value: entry.value, cas: entry.cas };
    },
    async setData(vmId, key, value, cas) {
      return (await shard(vmId, key).setData(vmId, key, value, cas)) as Status;
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
export function globalStateAccess(namespace: StateNamespace | undefined, shards: number, timeoutMs: number): GlobalStateAccess | null {
  return namespace ? { service: globalStateService(namespace, shards), timeoutMs } : null;
}
