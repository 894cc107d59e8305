/**
 * Host calls of proxy-wasm-abi.md §1.3: header and trailer maps.
 * Unavailable maps read as empty (the Rust SDK panics on anything else); writes to a map that
 * is not writable in the current phase answer BadArgument, as Envoy does.
 * @module
 */
import { HeaderMap } from "../header-map.ts";
import { decodePairs, encodePairs } from "../pairs.ts";
import { headerNameProblem, headerValueProblem, pairsProblem } from "../header-rules.ts";
import { refuseHeaders } from "./refuse-headers.ts";
import { MapType, Status } from "../types.ts";
import type { Vm } from "../vm.ts";

function knownMapType(type: number): boolean {
  return type >>> 0 <= MapType.HttpCallResponseTrailers;
}

function readable(vm: Vm, type: number): HeaderMap | null {
  if (type === MapType.HttpCallResponseHeaders || type === MapType.HttpCallResponseTrailers) {
    const response = vm.callResponse;
    if (response === null) return null;
    return new HeaderMap(type === MapType.HttpCallResponseHeaders ? response.headers : response.trailers);
  }
  const context = vm.activeContext;
  return context?.kind === "stream" ? context.exchange.readableMap(type) : null;
}

function writable(vm: Vm, type: number): HeaderMap | null {
  const context = vm.activeContext;
  return context?.kind === "stream" ? context.exchange.writableMap(type) : null;
}

export function proxy_get_header_map_pairs(vm: Vm, type: number, ptrOut: number, lenOut: number): number {
  if (!knownMapType(type)) return Status.BadArgument;
  const map = readable(vm, type);
  return vm.memory.returnBytes(encodePairs(map ? map.pairs() : []), ptrOut, lenOut);
}

export function proxy_set_header_map_pairs(vm: Vm, type: number, dataPtr: number, dataLen: number): number {
  if (!knownMapType(type)) return Status.BadArgument;
  const data = vm.memory.read(dataPtr, dataLen);
  if (data === null) return Status.InvalidMemoryAccess;
  const pairs = decodePairs(data);
  if (pairs === null) return Status.BadArgument;
  const problem = pairsProblem(pairs);
  if (problem !== null) return refuseHeaders(vm, problem);
  const map = writable(vm, type);
  if (map === null) return Status.BadArgument;
  map.setAll(pairs);
  return Status.Ok;
}

export function proxy_get_header_map_size(vm: Vm, type: number, sizeOut: number): number {
  if (!knownMapType(type)) return Status.BadArgument;
  const map = readable(vm, type);
  return vm.memory.writeU32(sizeOut, map ? map.byteSize : 0) ? Status.Ok : Status.InvalidMemoryAccess;
}

/** A missing header is NotFound in 0.2.x and OK-empty in 0.1.0. */
export function proxy_get_header_map_value(vm: Vm, type: number, keyPtr: number, keyLen: number, ptrOut: number, lenOut: number): number {
  if (!knownMapType(type)) return Status.BadArgument;
  const key = vm.memory.readByteString(keyPtr, keyLen);
  if (key === null) return Status.InvalidMemoryAccess;
  const value = readable(vm, type)?.get(key);
  if (value === undefined) {
    if (vm.abi !== "0.1.0") return Status.NotFound;
    return vm.memory.returnByteString("", ptrOut, lenOut);
  }
  return vm.memory.returnByteString(value, ptrOut, lenOut);
}

type MapEdit = (map: HeaderMap, key: string, value: string) => void;

function editMap(vm: Vm, type: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, edit: MapEdit): number {
  if (!knownMapType(type)) return Status.BadArgument;
  const key = vm.memory.readByteString(keyPtr, keyLen);
  const value = vm.memory.readByteString(valuePtr, valueLen);
  if (key === null || value === null) return Status.InvalidMemoryAccess;
  const problem = headerNameProblem(key) ?? (edit === removeEdit ? null : headerValueProblem(key, value));
  if (problem !== null) return refuseHeaders(vm, problem);
  const map = writable(vm, type);
  if (map === null) return Status.BadArgument;
  edit(map, key, value);
  return Status.Ok;
}

export function proxy_add_header_map_value(vm: Vm, type: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number {
  return editMap(vm, type, keyPtr, keyLen, valuePtr, valueLen, (map, key, value) => map.add(key, value));
}

export function proxy_replace_header_map_value(vm: Vm, type: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number {
  return editMap(vm, type, keyPtr, keyLen, valuePtr, valueLen, (map, key, value) => map.replace(key, value));
}

const removeEdit: MapEdit = (map, key) => map.remove(key);

export function proxy_remove_header_map_value(vm: Vm, type: number, keyPtr: number, keyLen: number): number {
  return editMap(vm, type, keyPtr, keyLen, 0, 0, removeEdit);
}
