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

  /** A new stream (HTTP context) of this plugin for one request. */
  createStream(exchange: HttpExchange): HttpStream {
    const context = new StreamContext(this.vm.newContextId(), this.root, exchange);
    this.vm.contexts.set(context.id, context);
    const stream = new HttpStream(this.vm, context);
    stream.create();
    return stream;
  }
}
