// Every import name the host ABI contract lists (docs proxy-wasm-abi.md §1,
// §1.11 and §6.2), transcribed so the test does not depend on a document
// outside the repository. A module whose imports are a subset of these links
// against a host that registers every ABI import.

const proxyHostCalls = [
  "proxy_log", "proxy_get_log_level", "proxy_get_current_time_nanoseconds",
  "proxy_set_tick_period_milliseconds", "proxy_set_effective_context", "proxy_done",
  "proxy_call_foreign_function",
  "proxy_get_configuration", "proxy_get_buffer_bytes", "proxy_get_buffer_status", "proxy_set_buffer_bytes",
  "proxy_get_header_map_pairs", "proxy_set_header_map_pairs", "proxy_get_header_map_size",
  "proxy_get_header_map_value", "proxy_add_header_map_value", "proxy_replace_header_map_value",
  "proxy_remove_header_map_value",
  "proxy_get_property", "proxy_set_property",
  "proxy_continue_request", "proxy_continue_response", "proxy_clear_route_cache",
  "proxy_continue_stream", "proxy_close_stream", "proxy_send_local_response",
  "proxy_http_call", "proxy_get_status",
  "proxy_grpc_call", "proxy_grpc_stream", "proxy_grpc_send", "proxy_grpc_cancel", "proxy_grpc_close",
  "proxy_get_shared_data", "proxy_set_shared_data",
  "proxy_register_shared_queue", "proxy_resolve_shared_queue", "proxy_enqueue_shared_queue",
  "proxy_dequeue_shared_queue",
  "proxy_define_metric", "proxy_increment_metric", "proxy_record_metric", "proxy_get_metric",
];

// §1.11: other `env` imports seen in real binaries.
const otherEnvImports = ["emscripten_notify_memory_growth", "pthread_equal", "abort", "seed", "trace"];

// §6.2: the 46 preview1 functions, under both module names.
const wasiPreview1 = [
  "args_get", "args_sizes_get", "environ_get", "environ_sizes_get",
  "clock_res_get", "clock_time_get",
  "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
  "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times",
  "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir",
  "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
  "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link", "path_open",
  "path_readlink", "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file",
  "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
  "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
];

/** `module.name` of every import the ABI contract lists. */
export const abiImportNames: ReadonlySet<string> = new Set([
  ...[...proxyHostCalls, ...otherEnvImports].map((name) => `env.${name}`),
  ...wasiPreview1.map((name) => `wasi_snapshot_preview1.${name}`),
  ...wasiPreview1.map((name) => `wasi_unstable.${name}`),
]);

export const wasiPreview1Count = wasiPreview1.length;
