/**
 * The bodies of the upstream's `/tagged/N/TAG` route: N bytes that spell TAG over and over, so
 * a client that knows which request it sent can tell its own body from any other request's.
 * Shared by the upstream (bench/upstream-server.ts) and the soak's checks (bench/soak-bodies.ts).
 * @module
 */

/** `TAG.TAG.TAG.…` cut to `size` bytes (TAG is ASCII). */
export function taggedBody(tag: string, size: number): string {
  const unit = `${tag}.`;
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
