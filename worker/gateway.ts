/**
 * The gateway of one isolate: the compiled router, the chain plan of every route and the plugin
 * pool, built once when the config loads; `handle` serves one request.
 * @module
 */
import { planChain } from "../config/chain-plan.ts";
import type { FilterEntry, GatewayConfig } from "../config/model.ts";
import { compileRouter, type Router } from "../config/router.ts";
import type { GlobalStateAccess } from "../abi/global-state.ts";
import { pollGlobalQueues, receivesGlobalQueues } from "../abi/global-queues.ts";
import type { VmHost } from "../abi/host-api.ts";
import type { Plugin } from "../abi/plugin.ts";
import { runTickIfDue } from "../abi/timers.ts";
import { LogLevel } from "../abi/types.ts";
import type { ChainPlugin } from "./chain.ts";
import { accessLogLine, type RequestFacts } from "./access-log.ts";
import { httpsRequired, kongError } from "./kong-errors.ts";
import { FilterTiming } from "./filter-timing.ts";
import { withServerTiming } from "./server-timing.ts";
import { newRequestId } from "./request-id.ts";
import { traceContext } from "./trace-context.ts";
import { DEFAULT_OPTIONS, type GatewayOptions } from "./options.ts";
import { PluginPool, type PluginSlot } from "./plugin-pool.ts";
import { passthrough, proxy } from "./proxy.ts";

/** A chain entry with the key its plugin is pooled under. */
interface PlannedPlugin {
  key: string;
  entry: FilterEntry;
}

export interface RequestContext {
  waitUntil(promise: Promise<unknown>): void;
}

export class Gateway {
  readonly #config: GatewayConfig;
  readonly #router: Router;
  readonly #plans: PlannedPlugin[][];
  readonly #pool: PluginPool;
  readonly #host: VmHost;
  readonly #options: GatewayOptions;

  /** When global queues were last polled for items other isolates enqueued. */
  #queuesPolledAt = 0;
  /** Requests in flight through ticking plugins: while there are any, a timer runs due ticks. */
  #ticking = 0;
  /** When the pending tick timer fires (0: none); a timer of a request that ended may never fire. */
  #tickTimerDue = 0;

  constructor(
    config: GatewayConfig,
    modules: Readonly<Record<string, WebAssembly.Module>>,
    host: VmHost,
    options: Partial<GatewayOptions> = {},
    globalState: GlobalStateAccess | null = null,
  ) {
    this.#config = config;
    this.#router = compileRouter(config);
    this.#host = host;
    this.#options = { ...DEFAULT_OPTIONS, ...options };
    this.#pool = new PluginPool(config, modules, host, this.#options, globalState);
    this.#plans = config.routes.map((_, routeIndex) => planChain(config, routeIndex).map(({ filter, key }) => ({ key, entry: filter })));
  }

  /** The shortest tick period of the started plugins (0: none ticks). */
  get tickPeriodMs(): number {
    let shortest = 0;
    for (const plugin of this.#pool.plugins) {
      const period = plugin.root.tickPeriodMs;
      if (period > 0 && (shortest === 0 || period < shortest)) shortest = period;
    }
    return shortest;
  }

  /** Each started plugin's VM and the linear memory it holds now. */
  get vmMemory(): { filter: string; key: string; bytes: number; failed: boolean }[] {
    return this.#pool.entries().map(([key, plugin]) => ({
      filter: plugin.vm.filter,
      key,
      bytes: plugin.vm.exports.memory.buffer.byteLength,
      failed: plugin.vm.failure !== null,
    }));
  }

  get config(): GatewayConfig {
    return this.#config;
  }

  /**
   * The cron entry: starts every plugin of the config (so a filter that only works through its
   * ticks runs without waiting for a request), then runs the ticks that are due.
   */
  async scheduled(): Promise<void> {
    const starting: Promise<PluginSlot>[] = [];
    for (const plan of this.#plans) {
      for (const { key, entry } of plan) {
        const slot = this.#pool.get(key, entry);
        if (slot instanceof Promise) starting.push(slot);
      }
    }
    await Promise.all(starting);
    await this.runDueTicks();
  }

  /**
   * Runs `on_tick` of every started plugin whose tick is due (no background timers exist), and
   * tells receivers of global queues about items other isolates enqueued (at most once a
   * second). Resolves when ticks of VMs with global state have finished too.
   */
  runDueTicks(): void | Promise<unknown> {
    let waiting: Promise<unknown>[] | null = null;
    const pollQueues = Date.now() - this.#queuesPolledAt >= 1000;
    if (pollQueues) this.#queuesPolledAt = Date.now();
    for (const plugin of this.#pool.plugins) {
      const ran = this.#tick(plugin);
      if (ran) (waiting ??= []).push(ran);
      if (pollQueues && plugin.vm.suspending && receivesGlobalQueues(plugin.vm)) (waiting ??= []).push(pollGlobalQueues(plugin.vm));
    }
    if (waiting) return Promise.all(waiting);
  }

  /**
   * Keeps due ticks running on their period while `response` is pending: a filter that paused a
   * request until its `on_tick` resumes it must not wait for other traffic.
   */
  async #whileTicking(response: Promise<Response>): Promise<Response> {
    this.#ticking++;
    this.#armTickTimer();
    try {
      return await response;
    } finally {
      this.#ticking--;
    }
  }

  #armTickTimer(): void {
    const now = Date.now();
    if (this.#tickTimerDue !== 0 && now <= this.#tickTimerDue + 1000) return;
    const period = this.tickPeriodMs;
    if (period === 0) return;
    this.#tickTimerDue = now + period;
    setTimeout(() => {
      this.#tickTimerDue = 0;
      void this.runDueTicks();
      if (this.#ticking > 0) this.#armTickTimer();
    }, period);
  }

  #tick(plugin: Plugin): Promise<unknown> | null {
    // A trapping tick is logged by the VM, which is rebuilt on its next request.
    try {
      const ran = runTickIfDue(plugin.vm, plugin.root);
      return ran instanceof Promise ? ran.catch(() => false) : null;
    } catch {
      return null;
    }
  }

  /**
   * Serves one request and writes its access-log line and `Server-Timing` header (each when on;
   * with both off no filter time is measured).
   */
  handle(request: Request, context: RequestContext): Promise<Response> {
    const requestId = newRequestId();
    const trace = traceContext(request.headers.get("traceparent"), requestId);
    const fields = this.#options.accessLog;
    const serverTiming = this.#options.serverTiming;
    const timed = fields !== null || serverTiming;
    const facts: RequestFacts = { requestId, traceId: trace.traceId, receivedAt: Date.now(), route: null, service: null, filters: timed ? [] : null };
    const url = new URL(request.url);
    const served = this.#serve(request, url, context, facts, trace.traceparent);
    if (!timed) return served;
    return served.then((response) => {
      const answer = serverTiming ? withServerTiming(response, facts.filters!) : response;
      if (fields !== null) console.log(accessLogLine(fields, request, url, answer, facts, this.#options.clientAddress));
      return answer;
    });
  }

  async #serve(request: Request, url: URL, context: RequestContext, facts: RequestFacts, traceparent: string): Promise<Response> {
    if (this.#pool.ticking || this.#pool.suspending) context.waitUntil(Promise.resolve().then(() => this.runDueTicks()));
    const { receivedAt, requestId } = facts;
    const match = this.#router.match({
      method: request.method,
      host: request.headers.get("host") ?? url.host,
      path: url.pathname,
      headers: request.headers,
    });
    if (match === null) return kongError("noRoute", requestId, receivedAt);
    const route = this.#config.routes[match.routeIndex];
    facts.route = route.name ?? route.id;
    const scheme = url.protocol.slice(0, -1);
    if (!route.protocols.includes(scheme)) return httpsRequired(route, url, requestId, receivedAt);
    const service = match.serviceIndex === null ? null : this.#config.services[match.serviceIndex];
    if (service === null || !service.enabled) return kongError("noService", requestId, receivedAt);
    facts.service = service.name ?? service.id;

    const plugins: ChainPlugin[] = [];
    for (const { key, entry } of this.#plans[match.routeIndex]) {
      const got = this.#pool.get(key, entry);
      const slot = got instanceof Promise ? await got : got;
      const timing = facts.filters === null ? null : new FilterTiming(entry.name);
      if (timing !== null) facts.filters!.push(timing);
      if (slot.ok) {
        plugins.push({ plugin: slot.plugin, failurePolicy: entry.failurePolicy, timing });
      } else if (entry.failurePolicy === "fail_closed") {
        timing?.ended("failed");
        this.#log(entry.name, `request ${requestId} failed: ${slot.failure.message}`);
        return kongError("filterFailure", requestId, receivedAt);
      } else {
        timing?.ended("failed_open");
      }
    }
    const routed = {
      request,
      url,
      route,
      service,
      matchedPath: match.matchedPath,
      plugins,
      requestId,
      receivedAt,
      traceparent,
      options: this.#options,
      log: (message: string) => this.#log(route.name ?? route.id, `request ${requestId}: ${message}`),
      waitUntil: (promise: Promise<unknown>) => context.waitUntil(promise),
    };
    if (plugins.length === 0) return passthrough(routed);
    return this.#pool.ticking ? this.#whileTicking(proxy(routed)) : proxy(routed);
  }

  #log(subject: string, message: string): void {
    this.#host.log(subject, LogLevel.Error, message);
  }
}
