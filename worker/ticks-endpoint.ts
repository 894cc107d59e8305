/**
 * Ticks without traffic: a Durable Object alarm (worker/state/state-object.ts) calls the gateway
 * on this path every tick period; the gateway starts every plugin of its config and runs the
 * ticks that are due, then answers the shortest tick period so the alarm knows when to come back
 * (0: no plugin ticks, the alarm stops). Any request keeps the alarm armed, at most once a minute.
 * @module
 */
import type { Gateway } from "./gateway.ts";
import type { StateNamespace } from "./state/state-service.ts";

import { TICK_PATH } from "./state/binding.ts";
/** The object that owns the tick alarm. */
const TICKER_OBJECT = "ticker";
const REARM_INTERVAL_MS = 60_000;

/** Whether `request` is the alarm's call (checked on the raw URL first: most requests are not). */
export function isTickRequest(request: Request): boolean {
  return request.url.includes(TICK_PATH) && new URL(request.url).pathname === TICK_PATH;
}

interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Runs the gateway's due ticks and answers the period the alarm should come back after; arms
 * the alarm when this is the first call (`serve` makes it at start-up).
 */
export async function answerTick(gateway: Gateway, alarm: TickAlarm, namespace: StateNamespace | undefined, ctx: WaitUntil): Promise<Response> {
  await gateway.scheduled();
  alarm.keepArmed(gateway, namespace, ctx);
  return Response.json({ period_ms: gateway.tickPeriodMs });
}

/** Arms the tick alarm from this isolate when its plugins tick (at most once a minute). */
export class TickAlarm {
  #armedAt = 0;

  keepArmed(gateway: Gateway, namespace: StateNamespace | undefined, ctx: WaitUntil): void {
    if (namespace === undefined || Date.now() - this.#armedAt < REARM_INTERVAL_MS) return;
    this.#armedAt = Date.now();
    const period = gateway.tickPeriodMs;
    if (period === 0) return;
    const ticker = namespace.get(namespace.idFromName(TICKER_OBJECT));
    ctx.waitUntil(
      ticker.keepTicking(period).catch(() => {
        this.#armedAt = 0;
      }),
    );
  }
}
