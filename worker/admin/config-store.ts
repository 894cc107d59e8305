/**
 * The config posted through the admin API, kept in Workers KV so every isolate (and every new
 * one) runs it. One key holds the whole record; its `version` tells isolates whether to rebuild.
 * @module
 */
import type { GatewayConfig } from "../../config/model.ts";

/** The KV key of the current config. */
export const CONFIG_KEY = "config/current";

/** What `POST /config` stores. */
export interface StoredConfig {
  /** Changes with every accepted POST; isolates rebuild when it differs from what they run. */
  version: string;
  /** Milliseconds since the epoch. */
  created_at: number;
  /** Fingerprint of the deployed bundle the config was validated against (see `bundleFingerprint`). */
  bundle: string;
  /** The declarative config as posted (YAML or JSON text): what isolates load. */
  source: string;
  /** The normalised config, for inspection (`GET /config`). */
  config: GatewayConfig;
}

/** The part of a KV namespace this module uses (so tests and other stores can stand in). */
export interface ConfigKv {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

/** A fresh version: sortable by time, unique across isolates. */
export function newVersion(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(4));
  return `${now.toString(36)}-${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Reads the stored config; `null` when there is none or it is unreadable. */
export async function readStoredConfig(kv: ConfigKv): Promise<StoredConfig | null> {
  const text = await kv.get(CONFIG_KEY, "text");
  if (text === null) return null;
  try {
    const record = JSON.parse(text) as StoredConfig;
    return typeof record.version === "string" && typeof record.source === "string" ? record : null;
  } catch {
    return null;
  }
}

/** Stores `record` as the current config. */
export async function writeStoredConfig(kv: ConfigKv, record: StoredConfig): Promise<void> {
  await kv.put(CONFIG_KEY, JSON.stringify(record));
}
