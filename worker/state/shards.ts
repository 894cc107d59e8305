/**
 * Which Durable Object holds a key: one object per (VM id, shard), the shard a hash of the key,
 * so one busy filter spreads its keys over several objects (Proxy-Wasm has no multi-key
 * transactions, so splitting keys keeps every guarantee).
 * @module
 */

/** FNV-1a over the UTF-16 code units: stable, fast, and the same in every isolate. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The name of the object that owns `key` of `vmId` (a queue name counts as a key). */
export function shardName(vmId: string, key: string, shards: number): string {
  return `${vmId}/${hash(key) % shards}`;
}
