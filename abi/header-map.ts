/**
 * An ordered, case-insensitive header multimap as filters see it: lower-case names,
 * duplicates kept in order, pseudo-headers (`:method`, `:path`, `:status`, …) first.
 * @module
 */
import type { HeaderPair } from "./pairs.ts";

export class HeaderMap {
  #pairs: [string, string][];

  constructor(pairs: Iterable<HeaderPair> = []) {
    this.#pairs = [];
    for (const [name, value] of pairs) this.#pairs.push([name.toLowerCase(), value]);
  }

  /**
   * A map over `pairs` as they are, without a copy: for pairs whose names are lower case already
   * (a runtime's header iteration yields them so). The map owns the array from then on.
   */
  static adopt(pairs: [string, string][]): HeaderMap {
    const map = new HeaderMap();
    map.#pairs = pairs;
    return map;
  }

  /** The number of entries, pseudo-headers included. */
  get count(): number {
    return this.#pairs.length;
  }

  /** Envoy's "byte size": the sum of all name and value lengths. */
  get byteSize(): number {
    let size = 0;
    for (const [name, value] of this.#pairs) size += name.length + value.length;
    return size;
  }

  pairs(): readonly HeaderPair[] {
    return this.#pairs;
  }

  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (const [n, v] of this.#pairs) if (n === key) return v;
    return undefined;
  }

  add(name: string, value: string): void {
    this.#pairs.push([name.toLowerCase(), value]);
  }

  /** Removes every entry of `name`, then sets one at the first entry's place (or at the end). */
  replace(name: string, value: string): void {
    const key = name.toLowerCase();
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
    this.#pairs = this.#pairs.filter(([n]) => n !== key);
  }

  /** Replaces all entries, keeping pseudo-headers in front. */
  setAll(pairs: Iterable<HeaderPair>): void {
    const next = new HeaderMap(pairs).#pairs;
    this.#pairs = [...next.filter(([n]) => n.startsWith(":")), ...next.filter(([n]) => !n.startsWith(":"))];
  }
}
