/**
 * Proxy-Wasm enumerations with the numbers of the ABI (proxy-wasm-abi.md §3). No logic.
 * @module
 */

/** The result code every `proxy_*` host call returns to the guest. */
export enum Status {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  InternalFailure = 10,
  BrokenConnection = 11,
  Unimplemented = 12,
}

/** What a stream callback returned: 0 continues, any non-zero value pauses. */
export enum Action {
  Continue = 0,
  Pause = 1,
}

export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}

export enum MapType {
  HttpRequestHeaders = 0,
  HttpRequestTrailers = 1,
  HttpResponseHeaders = 2,
  HttpResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

export enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
  Downstream = 2,
  Upstream = 3,
}

export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** The ABI version a module declares through its `proxy_abi_version_*` export. */
export type AbiVersion = "0.1.0" | "0.2.0" | "0.2.1";

/** WASI preview1 errno values the host returns. */
export enum Errno {
  Success = 0,
  Badf = 8,
  Fault = 21,
  Inval = 28,
  Noent = 44,
  Nosys = 52,
  Notdir = 54,
  Notsup = 58,
}

export const LOG_LEVEL_NAMES = ["trace", "debug", "info", "warn", "error", "critical"] as const;
