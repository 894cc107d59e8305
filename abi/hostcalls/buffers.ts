/**
 * Host calls of proxy-wasm-abi.md §1.2: configurations and body buffers.
 * @module
 */
import { BufferType, Status } from "../types.ts";
import type { BodyDirection, DeferredBody, HttpExchange } from "../exchange.ts";
import type { Vm } from "../vm.ts";

/** The bytes of buffer `type` as the active context may see them now, or null when unavailable. */
function readableBuffer(vm: Vm, type: number): Uint8Array | null {
  if (type === BufferType.HttpCallResponseBody) return vm.callResponse?.body ?? null;
  const context = vm.activeContext;
  if (context === null) return null;
  const root = context.kind === "root" ? context : context.root;
  switch (type) {
    case BufferType.VmConfiguration:
      return root.settings.vmConfiguration;
    case BufferType.PluginConfiguration:
      return root.step === "configure" || root.step === "create" ? root.settings.configuration : null;
    case BufferType.HttpRequestBody:
      return context.kind === "stream" ? context.exchange.requestBody : null;
    case BufferType.HttpResponseBody:
      return context.kind === "stream" ? context.exchange.responseBody : null;
    default:
      return null;
  }
}

/** The body of the active stream whose bytes are not read yet, when `type` names it. */
function unreadBodyOf(vm: Vm, type: number): { exchange: HttpExchange; direction: BodyDirection; body: DeferredBody } | null {
  const direction = type === BufferType.HttpRequestBody ? "request" : type === BufferType.HttpResponseBody ? "response" : null;
  const context = vm.activeContext;
  if (direction === null || context?.kind !== "stream") return null;
  const body = context.exchange.deferredBody(direction);
  return body === null ? null : { exchange: context.exchange, direction, body };
}

/**
 * Runs a body buffer host call once the body it names has been read: at once when there is
 * nothing to read, else after the read (the guest is suspended meanwhile, see
 * abi/buffer-switch.ts). A body that could not be read answers InternalFailure.
 */
function afterBodyRead(vm: Vm, type: number, call: () => number): number | Promise<number> {
  const deferred = unreadBodyOf(vm, type);
  if (deferred === null) return call();
  vm.noteDeferredBodyRead();
  return deferred.exchange.readDeferredBody(deferred.direction).then((read) => (read ? call() : Status.InternalFailure));
}

function knownBufferType(type: number): boolean {
  return type >>> 0 <= BufferType.CallData;
}

/** 0.1.0: the plugin configuration while configuring, otherwise the VM configuration (Envoy). */
export function proxy_get_configuration(vm: Vm, ptrOut: number, lenOut: number): number {
  const context = vm.activeContext;
  const root = context === null ? null : context.kind === "root" ? context : context.root;
  if (root === null) return vm.memory.returnBytes(new Uint8Array(0), ptrOut, lenOut);
  const configuring = root.step === "configure" || root.step === "create";
  return vm.memory.returnBytes(configuring ? root.settings.configuration : root.settings.vmConfiguration, ptrOut, lenOut);
}

export function proxy_get_buffer_bytes(vm: Vm, type: number, start: number, maxSize: number, ptrOut: number, lenOut: number): number {
  if (!knownBufferType(type)) return Status.BadArgument;
  const buffer = readableBuffer(vm, type);
  if (buffer === null) return Status.NotFound;
  // Rust passes max 0xFFFFFFFF and Go 0x7FFFFFFF: clamp in unsigned arithmetic, never fail.
  const from = Math.min(start >>> 0, buffer.length);
  const to = Math.min(from + (maxSize >>> 0), buffer.length);
  return vm.memory.returnBytes(buffer.subarray(from, to), ptrOut, lenOut);
}

/** A suspending `proxy_get_buffer_bytes`: a deferred body is read first. */
export function proxy_get_buffer_bytes_suspending(vm: Vm, type: number, start: number, maxSize: number, ptrOut: number, lenOut: number): number | Promise<number> {
  return afterBodyRead(vm, type, () => proxy_get_buffer_bytes(vm, type, start, maxSize, ptrOut, lenOut));
}

export function proxy_get_buffer_status(vm: Vm, type: number, lengthOut: number, flagsOut: number): number {
  if (!knownBufferType(type)) return Status.BadArgument;
  // A deferred body's size is known without its bytes.
  const length = unreadBodyOf(vm, type)?.body.size ?? readableBuffer(vm, type)?.length;
  if (length === undefined) return Status.NotFound;
  if (!vm.memory.writeU32(lengthOut, length) || !vm.memory.writeU32(flagsOut, 0)) return Status.InvalidMemoryAccess;
  return Status.Ok;
}

/**
 * Splices `data` over `[start, start+length)` of a body buffer (the spec's general form, a superset
 * of Envoy's prepend/append/replace). Configuration buffers are read-only.
 */
export function proxy_set_buffer_bytes(vm: Vm, type: number, start: number, length: number, dataPtr: number, dataLen: number): number {
  if (!knownBufferType(type)) return Status.BadArgument;
  const context = vm.activeContext;
  if (context?.kind !== "stream" || (type !== BufferType.HttpRequestBody && type !== BufferType.HttpResponseBody)) {
    return Status.BadArgument;
  }
  const data = vm.memory.read(dataPtr, dataLen);
  if (data === null) return Status.InvalidMemoryAccess;
  const exchange = context.exchange;
  const current = type === BufferType.HttpRequestBody ? exchange.requestBody : exchange.responseBody;
  if (current === null) return Status.NotFound;
  const from = Math.min(start >>> 0, current.length);
  const to = Math.min(from + (length >>> 0), current.length);
  const next = new Uint8Array(from + data.length + (current.length - to));
  next.set(current.subarray(0, from), 0);
  next.set(data, from);
  next.set(current.subarray(to), from + data.length);
  if (type === BufferType.HttpRequestBody) exchange.requestBody = next;
  else exchange.responseBody = next;
  return Status.Ok;
}

/** A suspending `proxy_set_buffer_bytes`: a deferred body is read first. */
export function proxy_set_buffer_bytes_suspending(vm: Vm, type: number, start: number, length: number, dataPtr: number, dataLen: number): number | Promise<number> {
  return afterBodyRead(vm, type, () => proxy_set_buffer_bytes(vm, type, start, length, dataPtr, dataLen));
}
