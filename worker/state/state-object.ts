/**
 * The Durable Object behind global state: one instance per (VM id, shard) holds shared data
 * with its CAS numbers and shared queues, in its storage, so they survive restarts. Every
 * method runs to completion before the next (storage awaits hold the input gate), which makes
 * each check-and-set atomic.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { MetricSnapshot } from "../../abi/metrics.ts";
import { Status } from "../../abi/types.ts";
import { TICK_PATH } from "./binding.ts";
import { mergeMetricSnapshots, retainedAfterIsolate } from "./metrics-merge.ts";

/** A stored value and its CAS number (never 0). */
interface StoredData {
  value: Uint8Array;
  cas: number;
}

/** A queue's bounds: items `head` … `tail - 1` are waiting. */
interface QueueBounds {
  head: number;
  tail: number;
}

/** The latest metrics an isolate reported, and when. */
interface IsolateMetrics {
  at: number;
  snapshot: MetricSnapshot[];
}

/** An isolate that has not reported for this long is gone: its counters are kept, its gauges dropped. */
export const ISOLATE_METRICS_EXPIRY_MS = 10 * 60_000;
const METRICS_PREFIX = "m\u0000";
const RETIRED_METRICS = "m-retired";

/** Alarm-driven ticks come at most this often: each alarm is a billed Durable Object request. */
export const ALARM_TICK_FLOOR_MS = 1000;
const TICK_PERIOD = "t-period";

/** What the state object needs from its worker's bindings. */
interface StateEnv {
  /** The gateway itself, called by the tick alarm (a service binding to this worker). */
  PROXY_WASM_GATEWAY?: Fetcher;
}

const dataKey = (vmId: string, key: string) => `d\u0000${vmId}\u0000${key}`;
const queueKey = (vmId: string, name: string) => `q\u0000${vmId}\u0000${name}`;
const itemKey = (vmId: string, name: string, seq: number) => `i\u0000${vmId}\u0000${name}\u0000${seq.toString(36).padStart(11, "0")}`;

/** A fresh CAS for a new key: random, so a recreated key does not reuse a CAS someone holds. */
function randomCas(): number {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return value === 0 ? 1 : value;
}

/** The next CAS of a key: +1, wrapping past 2^32 and skipping 0 (the SDKs' "no CAS"). */
function nextCas(cas: number): number {
  const next = (cas + 1) >>> 0;
  return next === 0 ? 1 : next;
}

export class ProxyWasmState extends DurableObject<StateEnv> {
  /**
   * Values read or written since this instance started (null: known absent). Every write goes
   * through this one instance, so after the first read of a key its storage is only written.
   */
  readonly #data = new Map<string, StoredData | null>();

  async #current(storageKey: string): Promise<StoredData | null> {
    const known = this.#data.get(storageKey);
    if (known !== undefined) return known;
    const stored = (await this.ctx.storage.get<StoredData>(storageKey)) ?? null;
    // A write that landed while the read waited is newer: keep it.
    if (!this.#data.has(storageKey)) this.#data.set(storageKey, stored);
    return this.#data.get(storageKey)!;
  }

  async getData(vmId: string, key: string): Promise<StoredData | null> {
    return this.#current(dataKey(vmId, key));
  }

  /**
   * Envoy's rules: cas 0 writes unconditionally; a missing key is written whatever cas says.
   * Answers the key's value and CAS after the call too (the new ones, or on CasMismatch the
   * current ones), so a caller's read cache stays right without another round trip.
   */
  async setData(vmId: string, key: string, value: Uint8Array | null, cas: number): Promise<{ status: Status; entry: StoredData | null }> {
    const storageKey = dataKey(vmId, key);
    const current = await this.#current(storageKey);
    if (current !== null && cas !== 0 && cas !== current.cas) return { status: Status.CasMismatch, entry: current };
    if (value === null) {
      this.#data.set(storageKey, null);
      await this.ctx.storage.delete(storageKey);
      return { status: Status.Ok, entry: null };
    }
    const entry: StoredData = { value, cas: current === null ? randomCas() : nextCas(current.cas) };
    this.#data.set(storageKey, entry);
    await this.ctx.storage.put<StoredData>(storageKey, entry);
    return { status: Status.Ok, entry };
  }

  async registerQueue(vmId: string, name: string): Promise<void> {
    const key = queueKey(vmId, name);
    if ((await this.ctx.storage.get<QueueBounds>(key)) === undefined) await this.ctx.storage.put<QueueBounds>(key, { head: 0, tail: 0 });
  }

  async queueExists(vmId: string, name: string): Promise<boolean> {
    return (await this.ctx.storage.get<QueueBounds>(queueKey(vmId, name))) !== undefined;
  }

  async queueLength(vmId: string, name: string): Promise<number> {
    const bounds = await this.ctx.storage.get<QueueBounds>(queueKey(vmId, name));
    return bounds === undefined ? 0 : bounds.tail - bounds.head;
  }

  /** The item and the new bounds are written in one `put`: both or neither. */
  async enqueue(vmId: string, name: string, value: Uint8Array): Promise<Status> {
    const key = queueKey(vmId, name);
    const bounds = await this.ctx.storage.get<QueueBounds>(key);
    if (bounds === undefined) return Status.NotFound;
    await this.ctx.storage.put({ [itemKey(vmId, name, bounds.tail)]: value, [key]: { head: bounds.head, tail: bounds.tail + 1 } });
    return Status.Ok;
  }

  async dequeue(vmId: string, name: string): Promise<{ status: Status; value?: Uint8Array }> {
    const key = queueKey(vmId, name);
    const bounds = await this.ctx.storage.get<QueueBounds>(key);
    if (bounds === undefined) return { status: Status.NotFound };
    if (bounds.head === bounds.tail) return { status: Status.Empty };
    const item = itemKey(vmId, name, bounds.head);
    const value = await this.ctx.storage.get<Uint8Array>(item);
    await this.ctx.storage.delete(item);
    await this.ctx.storage.put<QueueBounds>(key, { head: bounds.head + 1, tail: bounds.tail });
    return value === undefined ? { status: Status.Empty } : { status: Status.Ok, value };
  }

  /**
   * Stores an isolate's cumulative metrics (a repeated report replaces the last one, so a retry
   * never counts twice) and retires isolates that stopped reporting.
   */
  async reportMetrics(isolate: string, snapshot: MetricSnapshot[]): Promise<void> {
    const now = Date.now();
    await this.ctx.storage.put<IsolateMetrics>(METRICS_PREFIX + isolate, { at: now, snapshot });
    const reports = await this.ctx.storage.list<IsolateMetrics>({ prefix: METRICS_PREFIX });
    const expired = [...reports].filter(([, report]) => now - report.at > ISOLATE_METRICS_EXPIRY_MS);
    if (expired.length === 0) return;
    const retired = (await this.ctx.storage.get<MetricSnapshot[]>(RETIRED_METRICS)) ?? [];
    const kept = mergeMetricSnapshots([retired, ...expired.map(([, report]) => retainedAfterIsolate(report.snapshot))]);
    await this.ctx.storage.put(RETIRED_METRICS, kept);
    await this.ctx.storage.delete(expired.map(([key]) => key));
  }

  /** Every isolate's metrics added up, with those of isolates gone. */
  async globalMetrics(): Promise<MetricSnapshot[]> {
    const reports = await this.ctx.storage.list<IsolateMetrics>({ prefix: METRICS_PREFIX });
    const retired = (await this.ctx.storage.get<MetricSnapshot[]>(RETIRED_METRICS)) ?? [];
    return mergeMetricSnapshots([...[...reports.values()].map((report) => report.snapshot), retired]);
  }

  /** Arms the tick alarm (if it is not armed) for plugins ticking every `periodMs`. */
  async keepTicking(periodMs: number): Promise<void> {
    await this.ctx.storage.put(TICK_PERIOD, periodMs);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + Math.max(periodMs, ALARM_TICK_FLOOR_MS));
  }

  /** Wakes the gateway to run its due ticks, and comes back after the period it answers. */
  override async alarm(): Promise<void> {
    const gateway = this.env.PROXY_WASM_GATEWAY;
    if (gateway === undefined) return;
    let period = (await this.ctx.storage.get<number>(TICK_PERIOD)) ?? 0;
    try {
      const response = await gateway.fetch(`http://proxy-wasm-workers${TICK_PATH}`);
      period = ((await response.json()) as { period_ms?: number }).period_ms ?? 0;
    } catch {
      // Keep the last period: the gateway may be restarting.
    }
    await this.ctx.storage.put(TICK_PERIOD, period);
    if (period > 0) await this.ctx.storage.setAlarm(Date.now() + Math.max(period, ALARM_TICK_FLOOR_MS));
  }
}
