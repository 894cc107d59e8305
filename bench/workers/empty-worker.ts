/**
 * The cold-start floor: a worker that answers "ok" and imports nothing. What it takes from spawn
 * to its first response is workerd's own start plus an empty isolate; the gateway's cold start
 * beyond it is what the gateway's code and filters add.
 * @module
 */
export function createWorker(_upstream: string): { fetch(): Response } {
  return { fetch: () => new Response("ok") };
}
