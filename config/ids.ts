/**
 * Entity ids. Kong entities carry UUIDs; a declarative file rarely sets them, so we derive a
 * stable one from what identifies the entity, which keeps ids equal across builds and isolates.
 * @module
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in the 8-4-4-4-12 hex form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// Four independent 32-bit lanes give 128 bits; a synchronous hash keeps this usable at
// module load time in workerd, where crypto.subtle is asynchronous.
const SEEDS = [0x811c9dc5, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35];
const PRIMES = [0x01000193, 0x27d4eb2f, 0x165667b1, 0x9e3779b1];

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A UUID-shaped id derived from `parts` (entity kind plus its name or position). Version
 * nibble 8 marks it as a custom (RFC 9562) UUID, so it never pretends to be random.
 */
export function deriveId(...parts: readonly string[]): string {
  const text = parts.join("\u0000");
  const lanes = SEEDS.slice();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let lane = 0; lane < 4; lane++) lanes[lane] = Math.imul(lanes[lane] ^ c, PRIMES[lane]);
  }
  // Cross the lanes so each output word depends on all of them.
  const words = lanes.map((h, lane) => mix(h ^ Math.imul(lanes[(lane + 1) % 4], 0x5bd1e995) ^ text.length));
  const hex = words.map((w) => w.toString(16).padStart(8, "0")).join("");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
