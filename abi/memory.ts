/**
 * Guest linear memory access. Every read and write checks bounds and re-reads `memory.buffer`,
 * because any call into the guest (its allocator) may grow memory and detach older views.
 * @module
 */
import { Status } from "./types.ts";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Allocates `size` bytes in the guest and returns the address (0 = failure). */
export type GuestAllocator = (size: number) => number;

export class GuestMemory {
  #memory: WebAssembly.Memory;
  #allocate: GuestAllocator;

  constructor(memory: WebAssembly.Memory, allocate: GuestAllocator) {
    this.#memory = memory;
    this.#allocate = allocate;
  }

  get size(): number {
    return this.#memory.buffer.byteLength;
  }

  /** Whether `[ptr, ptr+len)` lies inside memory; both are treated as unsigned 32-bit. */
  inBounds(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len >>> 0) <= this.#memory.buffer.byteLength;
  }

  /** A copy of guest bytes, or null when out of bounds. */
  read(ptr: number, len: number): Uint8Array | null {
    ptr >>>= 0;
    len >>>= 0;
    if (!this.inBounds(ptr, len)) return null;
    return new Uint8Array(this.#memory.buffer, ptr, len).slice();
  }

  /** A UTF-8 string from guest memory, or null when out of bounds. */
  readString(ptr: number, len: number): string | null {
    const bytes = this.read(ptr, len);
    return bytes === null ? null : utf8Decoder.decode(bytes);
  }

  /** A header name or value from guest memory, byte for byte; null when out of bounds. */
  readByteString(ptr: number, len: number): string | null {
    const bytes = this.read(ptr, len);
    return bytes === null ? null : decodeByteString(bytes);
  }

  writeU32(ptr: number, value: number): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 4)) return false;
    new DataView(this.#memory.buffer).setUint32(ptr, value >>> 0, true);
    return true;
  }

  writeU64(ptr: number, value: bigint): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 8)) return false;
    new DataView(this.#memory.buffer).setBigUint64(ptr, BigInt.asUintN(64, value), true);
    return true;
  }

  readU32(ptr: number): number | null {
    ptr >>>= 0;
    if (!this.inBounds(ptr, 4)) return null;
    return new DataView(this.#memory.buffer).getUint32(ptr, true);
  }

  /** Copies bytes to `ptr`; false when out of bounds. */
  write(ptr: number, bytes: Uint8Array): boolean {
    ptr >>>= 0;
    if (!this.inBounds(ptr, bytes.length)) return false;
    new Uint8Array(this.#memory.buffer, ptr, bytes.length).set(bytes);
    return true;
  }

  /**
   * Hands bytes to the guest: allocates exactly `bytes.length` with the guest's allocator, copies,
   * and writes address and length to the two out-slots (proxy-wasm-abi.md §4.2).
   * Empty values are written as 0/0 without calling the allocator.
   */
  returnBytes(bytes: Uint8Array, ptrOut: number, lenOut: number): Status {
    if (!this.inBounds(ptrOut, 4) || !this.inBounds(lenOut, 4)) return Status.InvalidMemoryAccess;
    if (bytes.length === 0) {
      this.writeU32(ptrOut, 0);
      this.writeU32(lenOut, 0);
      return Status.Ok;
    }
    const address = this.#allocate(bytes.length) >>> 0;
    if (address === 0 || !this.write(address, bytes)) return Status.InvalidMemoryAccess;
    if (!this.writeU32(ptrOut, address) || !this.writeU32(lenOut, bytes.length)) {
      return Status.InvalidMemoryAccess;
    }
    return Status.Ok;
  }

  returnString(value: string, ptrOut: number, lenOut: number): Status {
    return this.returnBytes(utf8.encode(value), ptrOut, lenOut);
  }

  returnByteString(value: string, ptrOut: number, lenOut: number): Status {
    return this.returnBytes(encodeByteString(value), ptrOut, lenOut);
  }
}

/** Whether every char of `value` is a byte (0–0xFF), as in any header Workers hand over. */
export function isByteString(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * HTTP header names and values are octets, and Workers hand them over as byte strings (one char
 * per byte): converting one char to one byte keeps them byte-exact both ways. A char above 0xFF
 * cannot come from a header; it is written as UTF-8 rather than lost.
 */
export function encodeByteString(value: string): Uint8Array {
  if (!isByteString(value)) return utf8.encode(value);
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
  return bytes;
}

export function decodeByteString(bytes: Uint8Array): string {
  // `apply` with a typed array is several times faster than spreading it (and gives the same chars).
  if (bytes.length <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return text;
}

export function encodeUtf8(value: string): Uint8Array {
  return utf8.encode(value);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
