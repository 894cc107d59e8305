/**
 * A VM: one instance of a filter's module in this isolate, its context registry and the
 * "current context" host calls act on. Every call into the guest goes through `call`, which
 * turns a trap into a VmFailure and poisons the VM (Go and TinyGo runtimes cannot recover).
 * @module
 */
import type { CalloutHost, CalloutResponse } from "./callout-api.ts";
import type { GlobalStateAccess } from "./global-state.ts";
import type { Context } from "./context.ts";
import { GuestTrap, ProcExit, VmFailure, type VmFailureKind } from "./errors.ts";
import { resolveExports, type GuestExports } from "./exports.ts";
import type { VmHost } from "./host-api.ts";
import { BufferSwitch, importsSwitchedCalls, type BodyTrampoline } from "./buffer-switch.ts";
import type { MaybePromise } from "./maybe-async.ts";
import { VmLock } from "./vm-lock.ts";
import { buildImports, switchedCalls } from "./imports.ts";
import { GuestMemory } from "./memory.ts";
import { DEFAULT_FUEL_BUDGET, fuelExhaustion, fuelOf, fuelUsed, type FuelMeter } from "./fuel.ts";
import { metricsOf } from "./metrics.ts";
import { LogLevel, MetricType, Status, type AbiVersion } from "./types.ts";

export interface VmOptions {
  /** The filter name, for log lines and `plugin_name`. */
  filter: string;
  /** The VM id shared data and queues are scoped by (`plugin_vm_id`). */
  vmId: string;
  abi: AbiVersion;
  /** WASI environment variables (`KEY` → `VALUE`); the host's own environment is never visible. */
  env: Readonly<Record<string, string>>;
  host: VmHost;
  /** Sends this VM's HTTP callouts; without one, `proxy_http_call` answers BadArgument. */
  callouts?: CalloutHost;
  /** Linear memory past which the VM is retired after a callback (default: no limit). */
  memoryLimitBytes?: number;
  /** Fuel per callback for a metered module (default DEFAULT_FUEL_BUDGET); unmetered modules ignore it. */
  fuelBudget?: bigint;
  /**
   * Global state: its host calls wait for the state service (JSPI), so every callback runs through
   * `WebAssembly.promising`, one at a time. Needs {@link Vm.createSuspending}.
   */
  globalState?: GlobalStateAccess;
  /**
   * The compiled buffer switch (abi/buffer-switch-module.ts). With it, a body callback can run
   * before the body is read and read it only if the filter asks (deferred bodies); without it,
   * bodies are read before the callbacks that may want them.
   */
  bufferSwitch?: WebAssembly.Module;
  /**
   * How long a callback may wait while another callback of this VM is suspended (default
   * DEFAULT_LOCK_TIMEOUT_MS). A wait that runs out means the running callback never ended: the
   * VM fails and is replaced.
   */
  lockTimeoutMs?: number;
}

/** As long as a filter may pause a request (the gateway's default pause timeout). */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** What a callback needs besides its arguments. */
export interface CallOptions {
  /** The callout response maps 6 and 7 and buffer 4 read while the callback runs. */
  callResponse?: CalloutResponse;
  /** The callback may suspend to read a deferred body: it runs through `WebAssembly.promising`. */
  mayReadDeferredBody?: boolean;
}

const START_FUEL_FACTOR = 10n;

/** JSPI (`WebAssembly.Suspending`, `promising`): in every workerd we support, but a runtime without it still runs filters. */
function jspiAvailable(): boolean {
  return typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function";
}

/** A guest export the host calls. */
export type GuestCallback = (...args: number[]) => number | undefined;

interface Frame {
  context: Context | null;
  effective: Context | null;
}

export class Vm {
  readonly filter: string;
  readonly vmId: string;
  readonly abi: AbiVersion;
  readonly env: Readonly<Record<string, string>>;
  readonly host: VmHost;
  readonly callouts: CalloutHost | null;
  readonly memoryLimitBytes: number;
  readonly fuelBudget: bigint;
  /** The global state service of a suspending VM; null for an isolate-scoped one. */
  readonly globalState: GlobalStateAccess | null;
  /** The fuel counter of a metered module, null for an unmetered one. */
  #fuel: FuelMeter | null = null;
  #fuelMetric: number | null = null;
  readonly contexts = new Map<number, Context>();
  /** The callout response being delivered: maps 6 and 7 and buffer 4 read it, whatever the context. */
  callResponse: CalloutResponse | null = null;
  /** Why this VM can no longer run guest code, once it failed. */
  failure: VmFailure | null = null;
  #instance!: WebAssembly.Instance;
  #exports!: GuestExports;
  #memory!: GuestMemory;
  #frames: Frame[] = [];
  #nextContextId = 1;
  #nextCalloutToken = 1;
  /** One callback at a time while one may suspend; synchronous calls wait while it is held. */
  readonly #lock: VmLock;
  /** A callback of this isolate-scoped VM is running through `WebAssembly.promising`. */
  #promisingCallback = false;
  #switch: BufferSwitch | null = null;
  /** Whether the module imports the body buffer host calls at all. */
  #readsBodies = true;
  /**
   * A callback of this VM read a deferred body: the filter does read bodies, so later bodies are
   * read before its callbacks. A callback suspended on a read holds the whole VM, which under
   * many concurrent requests cost more than the read it saves (bench/soak.ts --chain=body-reading).
   */
  #readDeferredBody = false;
  readonly #promising = new Map<Function, (...args: number[]) => Promise<number | undefined>>();
  /** Each body callback's trampoline (null: it has none and runs through `promising` alone). */
  readonly #trampolines = new Map<Function, BodyTrampoline | null>();

  private constructor(options: VmOptions) {
    this.filter = options.filter;
    this.vmId = options.vmId;
    this.abi = options.abi;
    this.env = options.env;
    this.host = options.host;
    this.callouts = options.callouts ?? null;
    this.memoryLimitBytes = options.memoryLimitBytes ?? Number.POSITIVE_INFINITY;
    this.fuelBudget = options.fuelBudget ?? DEFAULT_FUEL_BUDGET;
    this.globalState = options.globalState ?? null;
    this.#lock = new VmLock(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, (timeout) => {
      this.#fail("runtime", "a callback waiting for the VM", timeout);
    });
  }

  /** Whether callbacks may suspend (global state): they then return promises and run one at a time. */
  get suspending(): boolean {
    return this.globalState !== null;
  }

  /**
   * Whether a body may reach this VM's body callbacks unread: the filter cannot read bodies, or
   * its body host calls go through the buffer switch and none of its callbacks has read one yet.
   */
  get defersBodies(): boolean {
    return !this.#readsBodies || (this.#switch !== null && !this.#readDeferredBody);
  }

  /** A body host call is about to read a deferred body for this VM's callback. */
  noteDeferredBodyRead(): void {
    this.#readDeferredBody = true;
  }

  /**
   * A host call of the running callback waits for I/O (the guest suspends): while it does, its
   * request shows the VM's lock it is still there (abi/vm-lock.ts), so a request that went away
   * meanwhile is found within a second.
   */
  hostCallWaits(): void {
    this.#lock.holderWaits();
  }

  /** Whether a callback must wait for the lock: one is running through `promising` or queued. */
  get locked(): boolean {
    return this.#lock.locked;
  }

  /**
   * Instantiates `module` and runs its start functions: `_initialize` (then `main(0,0)` or
   * `__main_void`), else `_start`. Throws VmFailure when either step fails.
   */
  static create(module: WebAssembly.Module, options: VmOptions): Vm {
    if (options.globalState) throw new Error("a VM with global state is created with Vm.createSuspending");
    const vm = Vm.#instantiate(module, options);
    vm.#runStart();
    return vm;
  }

  /**
   * A VM whose state host calls may suspend: instantiates `module` and runs its start functions
   * through `WebAssembly.promising`. Rejects with VmFailure when either step fails.
   */
  static async createSuspending(module: WebAssembly.Module, options: VmOptions): Promise<Vm> {
    if (!options.globalState) throw new Error("Vm.createSuspending needs globalState");
    const vm = Vm.#instantiate(module, options);
    await vm.#exclusive(() => vm.#runStartSuspending());
    return vm;
  }

  static #instantiate(module: WebAssembly.Module, options: VmOptions): Vm {
    const vm = new Vm(options);
    let instance: WebAssembly.Instance;
    try {
      instance = vm.#instantiateModule(module, buildImports(vm), options.bufferSwitch ?? null);
      vm.#instance = instance;
      vm.#fuel = fuelOf(instance);
      vm.#exports = resolveExports(instance.exports, options.abi);
    } catch (error) {
      throw vm.#fail("instantiate", "instantiate", error);
    }
    if (!vm.#exports.allocate) {
      throw vm.#fail("instantiate", "instantiate", new Error("the module exports neither proxy_on_memory_allocate nor malloc"));
    }
    const allocate = vm.#exports.allocate;
    vm.#memory = new GuestMemory(vm.#exports.memory, (size) => vm.#guest("allocate", () => allocate(size)));
    return vm;
  }

  /**
   * Instantiates `module`, its body buffer host calls through the buffer switch when there is
   * one. A filter that declares them with other types than the ABI's cannot link to the switch
   * (a JS import takes any); it gets the plain host calls and its bodies are read up front.
   */
  #instantiateModule(module: WebAssembly.Module, imports: WebAssembly.Imports, switchModule: WebAssembly.Module | null): WebAssembly.Instance {
    this.#readsBodies = importsSwitchedCalls(module);
    if (switchModule === null || !this.#readsBodies || !jspiAvailable()) return new WebAssembly.Instance(module, imports);
    const bufferSwitch = new BufferSwitch(switchModule, switchedCalls(this));
    try {
      const instance = new WebAssembly.Instance(module, { ...imports, env: { ...imports.env, ...bufferSwitch.imports } });
      this.#switch = bufferSwitch;
      if (this.globalState) bufferSwitch.suspendable = true;
      return instance;
    } catch (error) {
      if (!(error instanceof Error && error.name === "LinkError")) throw error;
      return new WebAssembly.Instance(module, imports);
    }
  }

  /** The raw instance, for exports beyond the Proxy-Wasm callbacks. */
  get instance(): WebAssembly.Instance {
    return this.#instance;
  }

  get exports(): GuestExports {
    return this.#exports;
  }

  get memory(): GuestMemory {
    return this.#memory;
  }

  /** The context host calls act on: the effective context if the guest set one, else the current one. */
  get activeContext(): Context | null {
    const frame = this.#frames.at(-1);
    return frame ? (frame.effective ?? frame.context) : null;
  }

  /** `proxy_set_effective_context`: redirects the rest of this callback's host calls. */
  setEffectiveContext(id: number): Status {
    const frame = this.#frames.at(-1);
    const context = this.contexts.get(id);
    if (!frame || !context) return Status.BadArgument;
    frame.effective = context;
    return Status.Ok;
  }

  newContextId(): number {
    return this.#nextContextId++;
  }

  /** Callout tokens are never 0 (older SDK code treats 0 as "no call"). */
  newCalloutToken(): number {
    return this.#nextCalloutToken++;
  }

  /** Whether guest code is running right now (a host call in progress). */
  get busy(): boolean {
    return this.#frames.length > 0;
  }

  /**
   * Calls a guest export with `context` current. Returns its i32 result (0 when void).
   * Throws VmFailure (and poisons the VM) when the guest traps or exits.
   */
  call(context: Context | null, callback: string, fn: GuestCallback, args: number[], options?: CallOptions): number {
    if (this.globalState) throw new Error(`${callback} of a suspending VM must go through invoke`);
    if (this.#promisingCallback) throw new Error(`${callback} would re-enter a suspended callback: it must go through invoke`);
    if (this.failure) throw this.failure;
    const delivering = this.#enter(context, options);
    let result: number;
    try {
      result = (fn(...args) ?? 0) >>> 0;
    } catch (error) {
      throw this.#callbackFailure(callback, error);
    } finally {
      this.#leave(delivering);
    }
    this.#afterCallback(callback);
    return result;
  }

  /**
   * Calls a guest export the way this VM needs: through `WebAssembly.promising` for a VM with
   * global state, and for a body callback that may read a deferred body (which returns at once
   * when it did not suspend); synchronously ({@link call}) otherwise. Either way only after every
   * earlier callback of this VM has ended: re-entering a suspended guest would corrupt its stack,
   * so while one is suspended the others queue (and return promises).
   */
  invoke(context: Context | null, callback: string, fn: GuestCallback, args: number[], options?: CallOptions): MaybePromise<number> {
    if (this.globalState) return this.#exclusive(() => this.#callPromising(context, callback, fn, args, options));
    const bufferSwitch = this.#switch;
    if (options?.mayReadDeferredBody && bufferSwitch !== null) return this.#exclusive(() => this.#callSwitched(context, callback, fn, args, options, bufferSwitch));
    if (this.#lock.locked) return this.#exclusive(async () => this.call(context, callback, fn, args, options));
    return this.call(context, callback, fn, args, options);
  }

  /** Calls a guest export of a VM with global state through `WebAssembly.promising` (its state host calls may suspend). */
  async #callPromising(context: Context | null, callback: string, fn: GuestCallback, args: number[], options: CallOptions | undefined): Promise<number> {
    if (this.failure) throw this.failure;
    const delivering = this.#enter(context, options);
    let result: number | undefined;
    try {
      result = await this.#promisingOf(fn)(...args);
    } catch (error) {
      throw this.#callbackFailure(callback, error);
    } finally {
      this.#leave(delivering);
    }
    return this.#returned(callback, result);
  }

  /**
   * Calls a body callback that may read a deferred body with the switched host calls allowed to
   * suspend: through its trampoline, so a callback that does not suspend returns synchronously.
   */
  #callSwitched(context: Context | null, callback: string, fn: GuestCallback, args: number[], options: CallOptions, bufferSwitch: BufferSwitch): MaybePromise<number> {
    if (this.failure) throw this.failure;
    const delivering = this.#enter(context, options);
    this.#promisingCallback = true;
    bufferSwitch.suspendable = true;
    let outcome: MaybePromise<number | undefined>;
    try {
      const trampoline = this.#trampolineOf(fn, bufferSwitch);
      outcome = trampoline ? trampoline.call(args) : this.#promisingOf(fn)(...args);
    } catch (error) {
      throw this.#switchedFailure(callback, error, delivering, bufferSwitch);
    }
    if (!(outcome instanceof Promise)) {
      this.#endSwitched(delivering, bufferSwitch);
      return this.#returned(callback, outcome);
    }
    return outcome.then(
      (value) => {
        this.#endSwitched(delivering, bufferSwitch);
        return this.#returned(callback, value);
      },
      (error: unknown) => {
        throw this.#switchedFailure(callback, error, delivering, bufferSwitch);
      },
    );
  }

  #endSwitched(delivering: boolean, bufferSwitch: BufferSwitch): void {
    this.#leave(delivering);
    bufferSwitch.suspendable = false;
    this.#promisingCallback = false;
  }

  #switchedFailure(callback: string, error: unknown, delivering: boolean, bufferSwitch: BufferSwitch): VmFailure {
    const failure = this.#callbackFailure(callback, error);
    this.#endSwitched(delivering, bufferSwitch);
    return failure;
  }

  #callbackFailure(callback: string, error: unknown): VmFailure {
    return this.#fail("runtime", callback, fuelExhaustion(this.#fuel, this.fuelBudget, error) ?? error);
  }

  /** A callback's result, once the checks after it passed. */
  #returned(callback: string, result: number | undefined): number {
    this.#afterCallback(callback);
    return (result ?? 0) >>> 0;
  }

  /** Makes `context` current; answers whether this callback brought a callout response to clear after. */
  #enter(context: Context | null, options: CallOptions | undefined): boolean {
    this.#frames.push({ context, effective: null });
    this.#fuel?.set(this.fuelBudget);
    if (!options?.callResponse) return false;
    this.callResponse = options.callResponse;
    return true;
  }

  #leave(deliveredResponse: boolean): void {
    this.#frames.pop();
    if (deliveredResponse) this.callResponse = null;
  }

  #afterCallback(callback: string): void {
    if (this.#fuel) this.#recordFuel(callback, fuelUsed(this.#fuel, this.fuelBudget));
    // Checked after the callback, when the guest is not running: an instance that grew too big
    // is retired, so one filter cannot use up the isolate's memory.
    const size = this.#exports.memory.buffer.byteLength;
    if (size > this.memoryLimitBytes) {
      throw this.#fail("memory", callback, new Error(`linear memory grew to ${size} bytes, over the limit of ${this.memoryLimitBytes}`));
    }
  }

  /** Runs `task` once every earlier task of this VM has settled (abi/vm-lock.ts); a failed VM runs nothing more. */
  #exclusive<T>(task: () => MaybePromise<T>): MaybePromise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return this.#lock.run(task);
  }

  #trampolineOf(fn: GuestCallback, bufferSwitch: BufferSwitch): BodyTrampoline | null {
    let trampoline = this.#trampolines.get(fn);
    if (trampoline === undefined) {
      trampoline = bufferSwitch.trampoline(fn);
      this.#trampolines.set(fn, trampoline);
    }
    return trampoline;
  }

  #promisingOf(fn: GuestCallback): (...args: number[]) => Promise<number | undefined> {
    let wrapped = this.#promising.get(fn);
    if (!wrapped) {
      wrapped = WebAssembly.promising(fn as never) as (...args: number[]) => Promise<number | undefined>;
      this.#promising.set(fn, wrapped);
    }
    return wrapped;
  }

  /** Logs on behalf of the guest, honouring the filter's log level. */
  log(level: LogLevel, message: string): void {
    if (level >= this.host.logLevel(this.filter)) this.host.log(this.filter, level, message);
  }

  #runStart(): void {
    const { initialize, main, mainVoid, start } = this.#exports;
    if (initialize) {
      this.#startStep("_initialize", () => initialize());
      if (main) this.#startStep("main", () => main(0, 0));
      else if (mainVoid) this.#startStep("__main_void", () => mainVoid());
    } else if (start) {
      this.#startStep("_start", () => start());
    }
  }

  async #runStartSuspending(): Promise<void> {
    const { initialize, main, mainVoid, start } = this.#exports;
    const step = (name: string, fn: GuestCallback, args: number[]) => this.#startStepSuspending(name, fn, args);
    if (initialize) {
      await step("_initialize", initialize, []);
      if (main) await step("main", main, [0, 0]);
      else if (mainVoid) await step("__main_void", mainVoid, []);
    } else if (start) {
      await step("_start", start, []);
    }
  }

  async #startStepSuspending(name: string, fn: GuestCallback, args: number[]): Promise<void> {
    this.#frames.push({ context: null, effective: null });
    const budget = this.fuelBudget * START_FUEL_FACTOR;
    this.#fuel?.set(budget);
    try {
      await this.#promisingOf(fn)(...args);
    } catch (error) {
      if (name === "_start" && error instanceof ProcExit && error.code === 0) return;
      throw this.#fail("start", name, fuelExhaustion(this.#fuel, budget, error) ?? error);
    } finally {
      this.#frames.pop();
    }
  }

  #startStep(name: string, run: () => unknown): void {
    this.#frames.push({ context: null, effective: null });
    // Runtime start-up (Go's scheduler and heap, package init) is a one-off; it gets ten callbacks' worth.
    const budget = this.fuelBudget * START_FUEL_FACTOR;
    this.#fuel?.set(budget);
    try {
      run();
    } catch (error) {
      // A WASI command may end `_start` with proc_exit(0): it finished, it did not fail.
      if (name === "_start" && error instanceof ProcExit && error.code === 0) return;
      throw this.#fail("start", name, fuelExhaustion(this.#fuel, budget, error) ?? error);
    } finally {
      this.#frames.pop();
    }
  }

  /** Runs guest code from inside a host call (the allocator), marking its traps as the guest's. */
  #guest<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof GuestTrap || error instanceof ProcExit) throw error;
      throw new GuestTrap(what, error);
    }
  }

  /**
   * Fuel is a deterministic cost measure: each callback's use goes to the filter's
   * `host_fuel_used` histogram and, at debug level, to the log.
   */
  #recordFuel(callback: string, used: bigint): void {
    const metrics = metricsOf(this);
    this.#fuelMetric ??= metrics.define(this.filter, MetricType.Histogram, "host_fuel_used").id;
    metrics.record(this.#fuelMetric, used);
    if (this.host.logLevel(this.filter) <= LogLevel.Debug) this.host.log(this.filter, LogLevel.Debug, `${callback} used ${used} fuel`);
  }

  #fail(kind: VmFailureKind, callback: string, error: unknown): VmFailure {
    const cause = error instanceof GuestTrap ? error.reason : error;
    const failure = error instanceof VmFailure ? error : new VmFailure(kind, this.filter, callback, cause);
    this.failure ??= failure;
    this.host.log(this.filter, LogLevel.Error, `${failure.message}`);
    return failure;
  }
}

