/**
 * Host calls of proxy-wasm-abi.md §1.4: properties. The plugin's own names are answered here;
 * the request's come from the gateway's PropertySource; whatever a filter sets is kept as
 * filter state of its stream and read back by the same name.
 * @module
 */
import type { Context, RootContext } from "../context.ts";
import type { PropertyValue } from "../host-api.ts";
import { encodeProperty, splitPropertyPath } from "../property-encoding.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

function pluginProperty(vm: Vm, root: RootContext, name: string): PropertyValue | undefined {
  switch (name) {
    case "plugin_name":
      return { type: "string", value: root.settings.name };
    case "plugin_root_id":
      return { type: "string", value: root.settings.rootId };
    case "plugin_vm_id":
      return { type: "string", value: vm.vmId };
    default:
      return undefined;
  }
}

function lookup(vm: Vm, context: Context, path: readonly string[]): Uint8Array | undefined {
  const root = context.kind === "root" ? context : context.root;
  const key = path.join(".");
  const state = context.kind === "stream" ? context.exchange.filterState : root.filterState;
  const stored = state.get(key);
  if (stored !== undefined) return stored;
  const own = path.length === 1 ? pluginProperty(vm, root, path[0]) : undefined;
  if (own !== undefined) return encodeProperty(own);
  if (context.kind !== "stream") return undefined;
  const value = context.exchange.properties.get(path);
  return value === undefined ? undefined : encodeProperty(value);
}

/**
 * Resolves a path, falling back from one dotted segment to its parts: the AssemblyScript SDK
 * sends `request.path` where the others send `request\0path`.
 */
function resolve(vm: Vm, context: Context, path: string[]): Uint8Array | undefined {
  const found = lookup(vm, context, path);
  if (found !== undefined || path.length !== 1 || !path[0].includes(".")) return found;
  return lookup(vm, context, path[0].split("."));
}

export function proxy_get_property(vm: Vm, pathPtr: number, pathLen: number, ptrOut: number, lenOut: number): number {
  const pathBytes = vm.memory.read(pathPtr, pathLen);
  if (pathBytes === null) return Status.InvalidMemoryAccess;
  const context = vm.activeContext;
  if (context === null) return Status.NotFound;
  const value = resolve(vm, context, splitPropertyPath(pathBytes));
  if (value === undefined) return Status.NotFound;
  return vm.memory.returnBytes(value, ptrOut, lenOut);
}

export function proxy_set_property(vm: Vm, pathPtr: number, pathLen: number, valuePtr: number, valueLen: number): number {
  const pathBytes = vm.memory.read(pathPtr, pathLen);
  const value = vm.memory.read(valuePtr, valueLen);
  if (pathBytes === null || value === null) return Status.InvalidMemoryAccess;
  const context = vm.activeContext;
  if (context === null) return Status.NotFound;
  const path = splitPropertyPath(pathBytes);
  if (context.kind === "stream") {
    const status = context.exchange.properties.set(path, value);
    if (status !== undefined) return status;
  }
  const state = context.kind === "stream" ? context.exchange.filterState : context.filterState;
  state.set(path.join("."), value);
  return Status.Ok;
}
