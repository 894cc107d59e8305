/**
 * Property values in Envoy's typed encodings (proxy-wasm-abi.md §7.1): 8-byte little-endian
 * integers, 1-byte booleans, header-map pairs for maps and lists.
 * @module
 */
import type { PropertyValue } from "./host-api.ts";
import { encodeUtf8 } from "./memory.ts";
import { encodePairs } from "./pairs.ts";

function u64(value: bigint, signed: boolean): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  if (signed) view.setBigInt64(0, BigInt.asIntN(64, value), true);
  else view.setBigUint64(0, BigInt.asUintN(64, value), true);
  return bytes;
}

export function encodeProperty(property: PropertyValue): Uint8Array {
  switch (property.type) {
    case "string":
      return encodeUtf8(property.value);
    case "bytes":
      return property.value;
    case "int":
    case "duration":
    case "timestamp":
      return u64(property.value, true);
    case "uint":
      return u64(property.value, false);
    case "bool":
      return new Uint8Array([property.value ? 1 : 0]);
    case "map":
      return encodePairs(property.value);
    case "list":
      return encodePairs(property.value.map((item) => [item, ""] as const));
  }
}

/** Splits a property path: segments are separated by NUL bytes, without a trailing NUL. */
export function splitPropertyPath(path: Uint8Array): string[] {
  return new TextDecoder().decode(path).split("\0");
}
