/**
 * Request ids as Kong makes them: 32 hex digits (`X-Kong-Request-Id`, `request_id` in errors).
 * Its own module, so the Hono middleware's bundle gets it without the gateway's router.
 * @module
 */
export function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
