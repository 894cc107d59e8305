/**
 * JSON answers of the admin API in Kong's shapes.
 * @module
 */

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** Kong's error body: `{"message": ...}`. */
export function message(status: number, text: string, headers: Record<string, string> = {}): Response {
  return json({ message: text }, status, headers);
}

/** Kong's list body: `{"data": [...], "next": null}` (everything fits one page here). */
export function list(data: unknown[]): Response {
  return json({ data, next: null });
}

/** Kong's 404 for an entity endpoint. */
export function notFound(): Response {
  return message(404, "Not found");
}

/** 401 with the challenge RFC 6750 asks for. */
export function unauthorized(): Response {
  return message(401, "Unauthorized", { "www-authenticate": 'Bearer realm="proxy-wasm-workers admin"' });
}
