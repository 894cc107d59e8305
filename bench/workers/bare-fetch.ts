/**
 * The limit of any proxy worker: a bare `fetch` of the upstream with the incoming request's
 * method, headers and body, its response handed back as it is. No framework, no headers of its own.
 * @module
 */
export function createWorker(upstream: string): { fetch(request: Request): Promise<Response> } {
  return {
    fetch(request) {
      const url = new URL(request.url);
      return fetch(upstream + url.pathname + url.search, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
    },
  };
}
