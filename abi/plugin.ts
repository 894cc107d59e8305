/**
 * A plugin: one root context in a VM, started with `on_context_create(root, 0)`,
 * `on_vm_start` and `on_configure` (proxy-wasm-abi.md §5.1), and the streams it serves.
 * @module
 */
import { RootContext, StreamContext, type PluginSettings } from "./context.ts";
import { VmFailure } from "./errors.ts";
import type { HttpExchange } from "./exchange.ts";
import { HttpStream } from "./stream.ts";
import type { Vm } from "./vm.ts";

/** `on_delete` for a root context that is done; the last callback it gets. */
export function deleteRoot(vm: Vm, root: RootContext): void {
  root.step = "deleted";
  const onDelete = vm.exports.on_delete;
  try {
    if (onDelete && !vm.failure) vm.call(root, "proxy_on_delete", onDelete, [root.id]);
  } finally {
    vm.contexts.delete(root.id);
  }
}

export class Plugin {
  readonly root: RootContext;

  private constructor(
    readonly vm: Vm,
    readonly settings: PluginSettings,
  ) {
    this.root = new RootContext(vm.newContextId(), settings);
    vm.contexts.set(this.root.id, this.root);
  }

  /**
   * Creates the root context and starts it. Throws VmFailure when the filter traps or returns
   * false from `on_vm_start` or `on_configure` (it rejected its configuration).
   */
  static start(vm: Vm, settings: PluginSettings): Plugin {
    const plugin = new Plugin(vm, settings);
    plugin.#start();
    return plugin;
  }

  #start(): void {
    const { vm, root, settings } = this;
    const exports = vm.exports;
    root.step = "create";
    if (exports.on_context_create) vm.call(root, "proxy_on_context_create", exports.on_context_create, [root.id, 0]);
    root.step = "vm_start";
    // The root id, not 0: the Rust, C++ and AssemblyScript SDKs look their root context up by it.
    if (exports.on_vm_start && !vm.call(root, "proxy_on_vm_start", exports.on_vm_start, [root.id, settings.vmConfiguration.length])) {
      throw this.#rejected("vm_start", "proxy_on_vm_start", "on_vm_start returned false");
    }
    root.step = "configure";
    // Envoy asks before applying a configuration; the C++ and AssemblyScript SDKs export it.
    const validate = exports.validate_configuration;
    if (validate && !vm.call(root, "proxy_validate_configuration", validate, [root.id, settings.configuration.length])) {
      throw this.#rejected("configure", "proxy_validate_configuration", "the filter rejected its configuration (proxy_validate_configuration returned false)");
    }
    if (exports.on_configure && !vm.call(root, "proxy_on_configure", exports.on_configure, [root.id, settings.configuration.length])) {
      throw this.#rejected("configure", "proxy_on_configure", "the filter rejected its configuration (on_configure returned false)");
    }
    root.step = "idle";
  }

  #rejected(kind: "vm_start" | "configure", callback: string, reason: string): VmFailure {
    const failure = new VmFailure(kind, this.settings.name, callback, reason);
    this.vm.failure ??= failure;
    return failure;
  }

  /**
   * Ends the plugin (its config was replaced): `on_done` on the root; when the filter answers
   * true `on_delete` follows, else it stays pending until the filter calls `proxy_done`.
   * Never throws: a trap here only retires the VM.
   */
  shutdown(): void {
    const { vm, root } = this;
    if (root.step === "done_pending" || root.step === "deleted") return;
    if (vm.failure) return void (root.step = "deleted");
    try {
      const onDone = vm.exports.on_done;
      const finished = onDone ? vm.call(root, "proxy_on_done", onDone, [root.id]) !== 0 : true;
      if (finished) deleteRoot(vm, root);
      else root.step = "done_pending";
    } catch {
      // Logged by the VM; a retired plugin has nothing left to clean up.
      root.step = "deleted";
    }
  }

  /** A new stream (HTTP context) of this plugin for one request. */
  createStream(exchange: HttpExchange): HttpStream {
    const context = new StreamContext(this.vm.newContextId(), this.root, exchange);
    this.vm.contexts.set(context.id, context);
    const stream = new HttpStream(this.vm, context);
    stream.create();
    return stream;
  }
}
