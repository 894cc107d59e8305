/**
 * An ordered, case-insensitive header multimap as filters see it: lower-case names,
 * duplicates kept in order, pseudo-headers (`:method`, `:path`, `:status`, …) first.
 * @module
 */
import type { HeaderPair } from "./pairs.ts";

/**
 * Where a lazily built map takes its entries from: `front` (the pseudo-headers) is known up
 * front, the rest is loaded on first use. Loaded names are lower case and none starts with `:`.
 */
export interface LazyHeaderSource {
  readonly front: [string, string][];
  /** How many entries `load` returns, without building them. */
  count(): number;
  load(): [string, string][];
}

export class HeaderMap {
  #pairs: [string, string][];
  /** Not loaded yet: the map is `front` followed by what `load` returns. */
  #lazy: LazyHeaderSource | null = null;
  #fromSource = false;
  #changed = false;
  #count = -1;

  constructor(pairs: Iterable<HeaderPair> = []) {
    this.#pairs = [];
    for (const [name, value] of pairs) this.#pairs.push([name.toLowerCase(), value]);
  }

  /** A map whose regular entries are built only when something reads or writes them. */
  static lazy(source: LazyHeaderSource): HeaderMap {
    const map = new HeaderMap();
    map.#lazy = source;
    map.#fromSource = true;
    map.#pairs = source.front;
    return map;
  }

  /** True for a lazily built map that nothing has written to: it still equals its source. */
  get pristine(): boolean {
    return this.#fromSource && !this.#changed;
  }

  #all(): [string, string][] {
    const lazy = this.#lazy;
    if (lazy !== null) {
      this.#lazy = null;
      this.#pairs = [...lazy.front, ...lazy.load()];
    }
    return this.#pairs;
  }

  #write(): [string, string][] {
    this.#changed = true;
    return this.#all();
  }

  /** The number of entries, pseudo-headers included. */
  get count(): number {
    const lazy = this.#lazy;
    if (lazy === null) return this.#pairs.length;
    if (this.#count < 0) this.#count = lazy.front.length + lazy.count();
    return this.#count;
  }

  /** Envoy's "byte size": the sum of all name and value lengths. */
  get byteSize(): number {
    let size = 0;
    for (const [name, value] of this.#all()) size += name.length + value.length;
    return size;
  }

  pairs(): readonly HeaderPair[] {
    return this.#all();
  }

  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    // Not loaded yet: pseudo-headers are all in front, loaded names never start with ":".
    const pairs = this.#lazy !== null && key.startsWith(":") ? this.#lazy.front : this.#all();
    for (const [n, v] of pairs) if (n === key) return v;
    return undefined;
  }

  add(name: string, value: string): void {
    this.#write().push([name.toLowerCase(), value]);
  }

  /** Removes every entry of `name`, then sets one at the first entry's place (or at the end). */
  replace(name: string, value: string): void {
    const key = name.toLowerCase();
    this.#write();
    const index = this.#pairs.findIndex(([n]) => n === key);
    if (index < 0) {
      this.#pairs.push([key, value]);
      return;
    }
    this.#pairs[index] = [key, value];
    this.#pairs = this.#pairs.filter(([n], i) => i <= index || n !== key);
  }

  remove(name: string): void {
    const key = name.toLowerCase();
    this.#write();
    this.#pairs = this.#pairs.filter(([n]) => n !== key);
  }

  /** Replaces all entries, keeping pseudo-headers in front. */
  setAll(pairs: Iterable<HeaderPair>): void {
    const next = new HeaderMap(pairs).#pairs;
    this.#lazy = null;
    this.#changed = true;
    this.#pairs = [...next.filter(([n]) => n.startsWith(":")), ...next.filter(([n]) => !n.startsWith(":"))];
  }
}
