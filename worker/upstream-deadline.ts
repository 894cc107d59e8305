/**
 * The time an upstream has to answer: its service's `connect_timeout + read_timeout` until the
 * response headers arrive. Kong's `read_timeout` bounds each read, not the whole transfer, so
 * the deadline is cleared once the headers are in: a long download is not cut off midway.
 * @module
 */
import type { ServiceConfig } from "../config/model.ts";

export class UpstreamDeadline {
  readonly signal: AbortSignal;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(service: ServiceConfig) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.#timer = setTimeout(
      () => controller.abort(new DOMException("the upstream did not answer in time", "TimeoutError")),
      service.connectTimeout + service.readTimeout,
    );
  }

  /** The headers arrived (or the fetch failed): nothing more to time. */
  clear(): void {
    clearTimeout(this.#timer);
  }
}
