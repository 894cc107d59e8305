/**
 * The build's check of a config against the isolate's memory budget: every chain entry is a VM
 * of its own, and each VM starts with the linear memory its module declares. A config whose VMs
 * would not fit gets a warning with the numbers (it still builds: at run time idle VMs are
 * retired, least recently used first, and rebuilt on demand).
 * @module
 */
import type { GatewayConfig } from "../config/model.ts";
import { planChain } from "../config/chain-plan.ts";

const PAGE = 65536;

function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

/** The initial linear memory a module declares (its own or imported), in bytes; 0 when none. */
export function declaredMemoryBytes(bytes: Uint8Array): number {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readLeb(bytes, at + 1);
    if (id === 5) {
      const [count, first] = readLeb(bytes, start);
      if (count === 0) return 0;
      const [min] = readLeb(bytes, first + 1);
      return min * PAGE;
    }
    at = start + size;
  }
  return 0;
}

/** The VMs a config starts (one per distinct chain entry), by filter. */
export function vmsByFilter(config: GatewayConfig): Map<string, number> {
  const keys = new Map<string, string>();
  config.routes.forEach((_, routeIndex) => {
    for (const { key, filter } of planChain(config, routeIndex)) if (filter.enabled) keys.set(key, filter.name);
  });
  const counts = new Map<string, number>();
  for (const name of keys.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** The warning for a config whose VMs' declared memory passes `budget`, or null when it fits. */
export function memoryBudgetWarning(config: GatewayConfig, declared: ReadonlyMap<string, number>, budget: number): string | null {
  const vms = vmsByFilter(config);
  let total = 0;
  const parts: string[] = [];
  for (const [name, count] of vms) {
    const each = declared.get(name) ?? 0;
    total += each * count;
    parts.push(`${name} ×${count} at ${mib(each)} each`);
  }
  if (total <= budget) return null;
  const count = [...vms.values()].reduce((a, b) => a + b, 0);
  return (
    `the config starts ${count} VMs whose declared linear memory alone is ${mib(total)} (${parts.join(", ")}), ` +
    `over the isolate's VM memory budget of ${mib(budget)} (Cloudflare caps an isolate at 128 MB; PROXY_WASM_ISOLATE_MEMORY_BUDGET sets the budget): ` +
    `idle VMs will be retired and rebuilt on demand, which costs their start-up on the next request`
  );
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}
