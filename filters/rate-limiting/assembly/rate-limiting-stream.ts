// One request: count it in the client's window, or answer 429 when the window
// is full. The counter is a 4-byte little-endian number in shared data, written
// with the CAS of the value it was computed from, so concurrent requests (in
// this isolate or, with global state, anywhere) never lose a count.
import {
  Context,
  FilterHeadersStatusValues,
  GetSharedData,
  LogLevelValues,
  RootContext,
  WasmResultValues,
  get_current_time_nanoseconds,
  get_shared_data,
  log,
  makeHeaderPair,
  send_http_response,
  set_shared_data,
  stream_context,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";
import { LimitConfig } from "./limit-config";

const ATTEMPTS = 10;

function counterOf(data: GetSharedData): i32 {
  if (data.result != WasmResultValues.Ok || data.value == null) return 0;
  const value = data.value!;
  return value.byteLength >= 4 ? load<i32>(changetype<usize>(value)) : 0;
}

function encodeCounter(count: i32): ArrayBuffer {
  const buffer = new ArrayBuffer(4);
  store<i32>(changetype<usize>(buffer), count);
  return buffer;
}

export class RateLimitingStream extends Context {
  config: LimitConfig;
  remaining: i32 = -1;
  resetSeconds: i64 = 0;

  constructor(context_id: u32, root_context: RootContext, config: LimitConfig) {
    super(context_id, root_context);
    this.config = config;
  }

  onRequestHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    const nowSeconds = <i64>(get_current_time_nanoseconds() / 1_000_000_000);
    const window = nowSeconds - (nowSeconds % 60);
    this.resetSeconds = window + 60 - nowSeconds;
    const client = this.config.headerName.length > 0 ? stream_context.headers.request.get(this.config.headerName) : "";
    const key = "ratelimit:" + client + ":" + window.toString() + ":minute";

    let data = get_shared_data(key);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const used = counterOf(data);
      if (used >= this.config.minute) return this.reject();
      const cas: u32 = data.result == WasmResultValues.Ok ? data.cas : 0;
      const status = set_shared_data(key, encodeCounter(used + 1), cas);
      if (status == WasmResultValues.Ok) {
        this.remaining = this.config.minute - used - 1;
        return FilterHeadersStatusValues.Continue;
      }
      // Another request counted first: read again and retry.
      data = get_shared_data(key);
    }
    log(LogLevelValues.error, "rate-limiting: could not count the request after " + ATTEMPTS.toString() + " attempts");
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    if (this.remaining >= 0) {
      stream_context.headers.response.add("X-RateLimit-Limit-Minute", this.config.minute.toString());
      stream_context.headers.response.add("X-RateLimit-Remaining-Minute", this.remaining.toString());
    }
    return FilterHeadersStatusValues.Continue;
  }

  reject(): FilterHeadersStatusValues {
    const headers = [makeHeaderPair("Retry-After", this.resetSeconds.toString()), makeHeaderPair("Content-Type", "application/json; charset=utf-8")];
    send_http_response(429, "rate limited", String.UTF8.encode('{"message":"API rate limit exceeded"}'), headers);
    return FilterHeadersStatusValues.StopIteration;
  }
}
