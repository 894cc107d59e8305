/**
 * The serialized header-map format ("pairs", proxy-wasm-abi.md §4.1):
 * u32 count, then count × (u32 key length, u32 value length), then each key and value
 * followed by one NUL byte. All integers little-endian.
 * @module
 */
import { decodeByteString, encodeByteString, isByteString } from "./memory.ts";

export type HeaderPair = readonly [name: string, value: string];

/** cpp-host's limits on maps a guest sends; larger input is refused. */
export const MAX_PAIRS = 1024;
export const MAX_PAIRS_BYTES = 1 << 20;

/** A string whose chars are all bytes; wider chars (never in a real header) become their UTF-8 bytes. */
function asByteString(value: string): string {
  return isByteString(value) ? value : decodeByteString(encodeByteString(value));
}

/**
 * Serializes pairs; an empty list becomes zero bytes (the host sends empty maps as 0/0). Names
 * and values are byte strings, so each char is written straight into the result as one byte.
 */
export function encodePairs(input: readonly HeaderPair[]): Uint8Array {
  if (input.length === 0) return new Uint8Array(0);
  const pairs = input.every(([name, value]) => isByteString(name) && isByteString(value))
    ? input
    : input.map(([name, value]) => [asByteString(name), asByteString(value)] as const);
  let size = 4;
  for (const [name, value] of pairs) size += 8 + name.length + 1 + value.length + 1;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, pairs.length, true);
  let lengths = 4;
  let data = 4 + 8 * pairs.length;
  for (const [name, value] of pairs) {
    view.setUint32(lengths, name.length, true);
    view.setUint32(lengths + 4, value.length, true);
    lengths += 8;
    for (let i = 0; i < name.length; i++) bytes[data++] = name.charCodeAt(i);
    data++;
    for (let i = 0; i < value.length; i++) bytes[data++] = value.charCodeAt(i);
    data++;
  }
  return bytes;
}

/**
 * Parses pairs a guest sent. Accepts the empty forms guests use (0, 1 or 4 bytes).
 * Returns null when the lengths do not fit the data or a limit is exceeded.
 */
export function decodePairs(bytes: Uint8Array): HeaderPair[] | null {
  if (bytes.length === 0 || bytes.length === 1) return [];
  if (bytes.length < 4 || bytes.length > MAX_PAIRS_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (count > MAX_PAIRS) return null;
  let data = 4 + 8 * count;
  if (data > bytes.length) return null;
  const pairs: HeaderPair[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint32(4 + 8 * i, true);
    const valueLength = view.getUint32(8 + 8 * i, true);
    if (data + nameLength + 1 + valueLength + 1 > bytes.length) return null;
    const name = decodeByteString(bytes.subarray(data, data + nameLength));
    data += nameLength + 1;
    const value = decodeByteString(bytes.subarray(data, data + valueLength));
    data += valueLength + 1;
    pairs.push([name, value]);
  }
  return pairs;
}
