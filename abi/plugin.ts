/**
 * A plugin: one root context in a VM, started with `on_context_create(root, 0)`,
 * `on_vm_start` and `on_configure` (proxy-wasm-abi.md §5.1), and the streams it serves.
 * @module
 */
import { RootContext, StreamContext, type PluginSettings } from "./context.ts";
import { VmFailure } from "./errors.ts";
import type { HttpExchange } from "./exchange.ts";
import { andThen, inSequence, type MaybePromise } from "./maybe-async.ts";
import { HttpStream } from "./stream.ts";
import type { GuestCallback, Vm } from "./vm.ts";

/** `on_delete` for a root context that is done; the last callback it gets. */
export function deleteRoot(vm: Vm, root: RootContext): MaybePromise<void> {
  root.step = "deleted";
  const onDelete = vm.exports.on_delete;
  const forget = () => void vm.contexts.delete(root.id);
  let called: MaybePromise<number>;
  try {
    called = onDelete && !vm.failure ? vm.invoke(root, "proxy_on_delete", onDelete, [root.id]) : 0;
  } catch (error) {
    forget();
    throw error;
  }
  if (called instanceof Promise) return called.then(forget, (error: unknown) => (forget(), Promise.reject(error)));
  forget();
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
    if (vm.suspending) throw new Error("a plugin of a VM with global state starts with Plugin.startAny");
    return Plugin.startAny(vm, settings) as Plugin;
  }

  /** {@link start} for any VM: a promise when the VM suspends (global state). */
  static startAny(vm: Vm, settings: PluginSettings): MaybePromise<Plugin> {
    const plugin = new Plugin(vm, settings);
    return andThen(plugin.#start(), () => plugin);
  }

  #start(): MaybePromise<void> {
    const { vm, root, settings } = this;
    const exports = vm.exports;
    /** A start callback: skipped when not exported; `rejected` when it answers false. */
    const step = (name: typeof root.step, callback: string, fn: GuestCallback | undefined, args: number[], rejected?: () => VmFailure) => () => {
      root.step = name;
      if (!fn) return;
      return andThen(vm.invoke(root, callback, fn, args), (accepted) => {
        if (!accepted && rejected) throw rejected();
      });
    };
    const configurationSize = settings.configuration.length;
    return inSequence([
      step("create", "proxy_on_context_create", exports.on_context_create, [root.id, 0]),
      // The root id, not 0: the Rust, C++ and AssemblyScript SDKs look their root context up by it.
      step("vm_start", "proxy_on_vm_start", exports.on_vm_start, [root.id, settings.vmConfiguration.length], () =>
        this.#rejected("vm_start", "proxy_on_vm_start", "on_vm_start returned false"),
      ),
      // Envoy asks before applying a configuration; the C++ and AssemblyScript SDKs export it.
      step("configure", "proxy_validate_configuration", exports.validate_configuration, [root.id, configurationSize], () =>
        this.#rejected("configure", "proxy_validate_configuration", "the filter rejected its configuration (proxy_validate_configuration returned false)"),
      ),
      step("configure", "proxy_on_configure", exports.on_configure, [root.id, configurationSize], () =>
        this.#rejected("configure", "proxy_on_configure", "the filter rejected its configuration (on_configure returned false)"),
      ),
      () => void (root.step = "idle"),
    ]);
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
  shutdown(): MaybePromise<void> {
    const { vm, root } = this;
    if (root.step === "done_pending" || root.step === "deleted") return;
    if (vm.failure) return void (root.step = "deleted");
    // Logged by the VM; a retired plugin has nothing left to clean up.
    const retired = () => void (root.step = "deleted");
    try {
      const onDone = vm.exports.on_done;
      const ended = andThen(onDone ? vm.invoke(root, "proxy_on_done", onDone, [root.id]) : 1, (finished) => {
        if (finished) return deleteRoot(vm, root);
        root.step = "done_pending";
      });
      if (ended instanceof Promise) return ended.catch(retired);
    } catch {
      retired();
    }
  }

  /** A new stream (HTTP context) of this plugin for one request (isolate-scoped VMs). */
  createStream(exchange: HttpExchange): HttpStream {
    if (this.vm.suspending) throw new Error("a stream of a VM with global state opens with openStream");
    return this.openStream(exchange) as HttpStream;
  }

  /** {@link createStream} for any VM: a promise when the VM suspends. */
  openStream(exchange: HttpExchange): MaybePromise<HttpStream> {
    const context = new StreamContext(this.vm.newContextId(), this.root, exchange);
    this.vm.contexts.set(context.id, context);
    const stream = new HttpStream(this.vm, context);
    return andThen(stream.create(), () => stream);
  }
}
