/**
 * `proxy_done` (proxy-wasm-abi.md §1.1, §5.1): a root context that answered false from
 * `on_done` says it has finished; `on_delete` follows once the current guest call returned.
 * @module
 */
import { deleteRoot } from "../plugin.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_done(vm: Vm): number {
  const context = vm.activeContext;
  const root = context === null ? null : context.kind === "root" ? context : context.root;
  if (root === null || root.step !== "done_pending") return Status.NotFound;
  root.step = "deleted";
  queueMicrotask(() => {
    try {
      const deleted = deleteRoot(vm, root);
      // Logged by the VM.
      if (deleted instanceof Promise) deleted.catch(() => undefined);
    } catch {
      // Logged by the VM.
    }
  });
  return Status.Ok;
}
