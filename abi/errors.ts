/**
 * Why a VM or a callback failed, kept apart from the ABI status codes the guest sees.
 * @module
 */

/** The guest called WASI `proc_exit`: the VM cannot run anything anymore. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
    this.name = "ProcExit";
  }
}

/** The guest called AssemblyScript's `env.abort`. */
export class GuestAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuestAbort";
  }
}

export type VmFailureKind =
  /** the module could not be instantiated (missing import, start section trapped) */
  | "instantiate"
  /** `_initialize`/`_start`/`main` trapped */
  | "start"
  /** `on_vm_start` returned false or trapped */
  | "vm_start"
  /** `on_configure` returned false or trapped */
  | "configure"
  /** a callback trapped while serving a request */
  | "runtime"
  /** the VM's linear memory grew past its limit; it is retired */
  | "memory"
  /** a global state call failed or timed out; the VM itself is fine */
  | "state";

/** A VM, plugin or callback failure, with the filter and callback it happened in. */
export class VmFailure extends Error {
  constructor(
    readonly kind: VmFailureKind,
    readonly filter: string,
    readonly callback: string,
    readonly reason: unknown,
  ) {
    super(`filter "${filter}" failed in ${callback}: ${describe(reason)}`);
    this.name = "VmFailure";
  }
}

/** A one-line description of whatever a guest call threw. */
export function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}

/** Guest code run from inside a host call (the allocator) trapped; the host call must not swallow it. */
export class GuestTrap extends Error {
  constructor(
    readonly where: string,
    readonly reason: unknown,
  ) {
    super(`${where}: ${describe(reason)}`);
    this.name = "GuestTrap";
  }
}
