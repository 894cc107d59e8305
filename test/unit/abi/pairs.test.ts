import { describe, expect, it } from "vitest";
import { decodePairs, encodePairs } from "../../../abi/pairs.ts";

// {"a": "1", "b": "22"} as the ABI lays it out (proxy-wasm-abi.md §4.1), 29 bytes.
const FIXTURE = new Uint8Array([
  0x02, 0x00, 0x00, 0x00, // two pairs
  0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // "a" is 1 byte, "1" is 1 byte
  0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, // "b" is 1 byte, "22" is 2 bytes
  0x61, 0x00, 0x31, 0x00, // a\0 1\0
  0x62, 0x00, 0x32, 0x32, 0x00, // b\0 22\0
]);

describe("header-map pairs", () => {
  it("serialize to the ABI's byte layout", () => {
    expect(encodePairs([["a", "1"], ["b", "22"]])).toEqual(FIXTURE);
  });

  it("parse the ABI's byte layout", () => {
    expect(decodePairs(FIXTURE)).toEqual([["a", "1"], ["b", "22"]]);
  });

  it("serialize an empty map as no bytes at all", () => {
    expect(encodePairs([])).toHaveLength(0);
  });

  it("accept every empty form guests send (0, 1 or 4 bytes)", () => {
    expect(decodePairs(new Uint8Array(0))).toEqual([]);
    expect(decodePairs(new Uint8Array(1))).toEqual([]);
    expect(decodePairs(new Uint8Array(4))).toEqual([]);
  });

  it("keep empty values", () => {
    const pairs: [string, string][] = [["x-empty", ""], ["x-a", "b"]];
    expect(decodePairs(encodePairs(pairs))).toEqual(pairs);
  });

  it("keep header bytes exact: UTF-8 from a client reaches the guest as the same bytes and back", () => {
    // Workers give header values as byte strings: "é" sent as UTF-8 arrives as "\u00c3\u00a9".
    const fromWorkers: [string, string][] = [["x-name", "\u00c3\u00a9"]];
    const bytes = encodePairs(fromWorkers);
    expect([...bytes.subarray(-3)]).toEqual([0xc3, 0xa9, 0]);
    expect(decodePairs(bytes)).toEqual(fromWorkers);
  });

  it("refuse lengths that run past the data", () => {
    expect(decodePairs(FIXTURE.subarray(0, 27))).toBeNull();
    const lying = FIXTURE.slice();
    lying[16] = 0xff; // "22" claims 255 bytes
    expect(decodePairs(lying)).toBeNull();
  });

  it("refuse a pair count whose length table does not fit", () => {
    expect(decodePairs(new Uint8Array([0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0]))).toBeNull();
  });
});
