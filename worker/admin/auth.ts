/**
 * Bearer-token check of the admin API.
 * @module
 */

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, so response timing does not
 * reveal how much of a guessed token was right.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  // Walk the expected length whatever was sent, so a short guess costs the same as a long one.
  for (let i = 0; i < y.length; i++) diff |= (x[i % Math.max(x.length, 1)] ?? 0) ^ y[i];
  return diff === 0;
}

/** True when `request` carries `Authorization: Bearer <token>`. */
export function isAuthorized(request: Request, token: string): boolean {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match !== null && constantTimeEqual(match[1], token);
}
