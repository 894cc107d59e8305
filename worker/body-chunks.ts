/**
 * Reads a body for the body callbacks in chunks as large as the bytes already there, up to
 * 64 KiB. workerd's default reader hands out 4 KiB chunks, which would mean 16 rounds of every
 * filter's `on_*_body` per 64 KiB; a BYOB read takes whatever has arrived in one, and still
 * answers as soon as any byte is there, so a slow body is not held back.
 * @module
 */

export const READ_CHUNK_BYTES = 64 * 1024;

export interface ChunkReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

export function chunkReader(source: ReadableStream<Uint8Array>): ChunkReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = source.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream (a body built in JS): its own chunks it is.
    return source.getReader();
  }
  return {
    // Each read gets a fresh buffer: the chunk it returns travels on downstream.
    read: () => byob.read(new Uint8Array(READ_CHUNK_BYTES)) as Promise<ReadableStreamReadResult<Uint8Array>>,
    cancel: (reason) => byob.cancel(reason),
  };
}
