/**
 * WASI preview1 for filters (proxy-wasm-abi.md §6): all 46 functions, so every toolchain's module
 * links. stdout and stderr go to the filter's log; there is no file system, no sockets, no
 * arguments, and the environment is the plugin's own. Semantics follow proxy-wasm-cpp-host, which
 * production Go, TinyGo and Rust filters run against.
 * @module
 */
import { ProcExit } from "./errors.ts";
import { encodeUtf8 } from "./memory.ts";
import { Errno, LogLevel } from "./types.ts";
import type { Vm } from "./vm.ts";

type WasiFunction = (...args: never[]) => number | void;

const STDOUT = 1;
const STDERR = 2;
const RIGHT_FD_WRITE = 64n;
const RANDOM_GET_MAX = 64 * 1024;

function isStdio(fd: number): boolean {
  return fd === STDOUT || fd === STDERR;
}

/** Sums and optionally collects the bytes of an iovec array; null when out of bounds. */
function gatherIovecs(vm: Vm, iovs: number, count: number): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count >>> 0; i++) {
    const buf = vm.memory.readU32(iovs + i * 8);
    const len = vm.memory.readU32(iovs + i * 8 + 4);
    if (buf === null || len === null) return null;
    const bytes = vm.memory.read(buf, len);
    if (bytes === null) return null;
    parts.push(bytes);
    total += bytes.length;
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function writeToLog(vm: Vm, fd: number, bytes: Uint8Array): void {
  let text = new TextDecoder().decode(bytes);
  if (text.endsWith("\n")) text = text.slice(0, -1);
  if (text.length > 0) vm.log(fd === STDERR ? LogLevel.Error : LogLevel.Info, text);
}

function envStrings(vm: Vm): Uint8Array[] {
  return Object.entries(vm.env).map(([key, value]) => encodeUtf8(`${key}=${value}\0`));
}

/** Writes a list of NUL-terminated strings the WASI way: an array of pointers plus the bytes. */
function writeStringList(vm: Vm, strings: Uint8Array[], pointers: number, buffer: number): number {
  let offset = buffer >>> 0;
  for (let i = 0; i < strings.length; i++) {
    if (!vm.memory.writeU32(pointers + i * 4, offset) || !vm.memory.write(offset, strings[i])) return Errno.Fault;
    offset += strings[i].length;
  }
  return Errno.Success;
}

function writeSizes(vm: Vm, strings: Uint8Array[], countOut: number, sizeOut: number): number {
  const size = strings.reduce((sum, s) => sum + s.length, 0);
  return vm.memory.writeU32(countOut, strings.length) && vm.memory.writeU32(sizeOut, size) ? Errno.Success : Errno.Fault;
}

function clockNow(vm: Vm, id: number): bigint | null {
  if (id === 0) return vm.host.now();
  if (id === 1) return vm.host.monotonic();
  return null;
}

/** The WASI functions bound to one VM, for both `wasi_snapshot_preview1` and `wasi_unstable`. */
export function wasiImports(vm: Vm): Record<string, WasiFunction> {
  const m = () => vm.memory;
  const onlyStdio = (fd: number) => (isStdio(fd) ? Errno.Success : Errno.Badf);
  return {
    // (fd, iovs, iovs_len, nwritten_out) -> errno
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenOut: number) {
      if (!isStdio(fd)) return Errno.Badf;
      const bytes = gatherIovecs(vm, iovs, iovsLen);
      if (bytes === null) return Errno.Fault;
      writeToLog(vm, fd, bytes);
      return m().writeU32(nwrittenOut, bytes.length) ? Errno.Success : Errno.Fault;
    },
    // (fd, iovs, iovs_len, offset: i64, nwritten_out) -> errno
    fd_pwrite(fd: number, iovs: number, iovsLen: number, _offset: bigint, nwrittenOut: number) {
      if (!isStdio(fd)) return Errno.Badf;
      const bytes = gatherIovecs(vm, iovs, iovsLen);
      if (bytes === null) return Errno.Fault;
      writeToLog(vm, fd, bytes);
      return m().writeU32(nwrittenOut, bytes.length) ? Errno.Success : Errno.Fault;
    },
    // (fd, iovs, iovs_len, nread_out) -> errno
    fd_read: () => Errno.Nosys,
    // (fd, iovs, iovs_len, offset: i64, nread_out) -> errno
    fd_pread: () => Errno.Nosys,
    // (fd) -> errno
    fd_close: () => Errno.Success,
    // (fd, offset: i64, whence, newoffset_out) -> errno
    fd_seek(fd: number, _offset: bigint, _whence: number, newOffsetOut: number) {
      if (fd > STDERR || fd < 0) return Errno.Badf;
      return m().writeU64(newOffsetOut, 0n) ? Errno.Success : Errno.Fault;
    },
    // (fd, offset_out) -> errno
    fd_tell(fd: number, offsetOut: number) {
      if (!isStdio(fd)) return Errno.Badf;
      return m().writeU64(offsetOut, 0n) ? Errno.Success : Errno.Fault;
    },
    // (fd, fdstat_out) -> errno; fdstat is 24 bytes: u8 filetype, u16 flags, u64 rights base, u64 rights inheriting
    fd_fdstat_get(fd: number, statOut: number) {
      if (!isStdio(fd)) return Errno.Badf;
      const stat = new Uint8Array(24);
      new DataView(stat.buffer).setBigUint64(8, RIGHT_FD_WRITE, true);
      return m().write(statOut, stat) ? Errno.Success : Errno.Fault;
    },
    // (fd, flags) -> errno; Go ignores this error when it makes stdio non-blocking
    fd_fdstat_set_flags: () => Errno.Nosys,
    // (fd, rights_base: i64, rights_inheriting: i64) -> errno
    fd_fdstat_set_rights: (fd: number) => onlyStdio(fd),
    // (fd, prestat_out) -> errno; Go probes fds from 3 until BADF and panics on anything else
    fd_prestat_get: () => Errno.Badf,
    // (fd, path, path_len) -> errno
    fd_prestat_dir_name: () => Errno.Nosys,
    // (fd, filestat_out) -> errno
    fd_filestat_get: () => Errno.Badf,
    // (fd, size: i64) -> errno
    fd_filestat_set_size: (fd: number) => onlyStdio(fd),
    // (fd, atim: i64, mtim: i64, fst_flags) -> errno
    fd_filestat_set_times: (fd: number) => onlyStdio(fd),
    // (fd, offset: i64, len: i64, advice) -> errno
    fd_advise: () => Errno.Success,
    // (fd, offset: i64, len: i64) -> errno
    fd_allocate: (fd: number) => onlyStdio(fd),
    // (fd) -> errno
    fd_datasync: (fd: number) => onlyStdio(fd),
    // (fd) -> errno
    fd_sync: (fd: number) => onlyStdio(fd),
    // (fd, buf, buf_len, cookie: i64, bufused_out) -> errno
    fd_readdir(_fd: number, _buf: number, _bufLen: number, _cookie: bigint, usedOut: number) {
      m().writeU32(usedOut, 0);
      return Errno.Notdir;
    },
    // (fd, to) -> errno
    fd_renumber: (fd: number, to: number) => (isStdio(fd) && isStdio(to) ? Errno.Notsup : Errno.Badf),
    // (dirfd, dirflags, path, path_len, oflags, rights_base: i64, rights_inheriting: i64, fdflags, fd_out) -> errno
    path_open: () => Errno.Noent,
    // (fd, flags, path, path_len, filestat_out) -> errno
    path_filestat_get: () => Errno.Notsup,
    // (fd, path, path_len) -> errno
    path_create_directory: () => Errno.Notsup,
    // (fd, flags, path, path_len, atim: i64, mtim: i64, fst_flags) -> errno
    path_filestat_set_times: () => Errno.Notsup,
    // (old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len) -> errno
    path_link: () => Errno.Notsup,
    // (fd, path, path_len, buf, buf_len, bufused_out) -> errno
    path_readlink(_fd: number, _path: number, _pathLen: number, _buf: number, _bufLen: number, usedOut: number) {
      m().writeU32(usedOut, 0);
      return Errno.Notsup;
    },
    // (fd, path, path_len) -> errno
    path_remove_directory: () => Errno.Notsup,
    // (fd, old_path, old_path_len, new_fd, new_path, new_path_len) -> errno
    path_rename: () => Errno.Notsup,
    // (old_path, old_path_len, fd, new_path, new_path_len) -> errno
    path_symlink: () => Errno.Notsup,
    // (fd, path, path_len) -> errno
    path_unlink_file: () => Errno.Notsup,
    // (id, precision: i64, time_out) -> errno
    clock_time_get(id: number, _precision: bigint, timeOut: number) {
      const now = clockNow(vm, id);
      if (now === null) return Errno.Notsup;
      return m().writeU64(timeOut, now) ? Errno.Success : Errno.Fault;
    },
    // (id, resolution_out) -> errno
    clock_res_get(id: number, resolutionOut: number) {
      if (id !== 0 && id !== 1) return Errno.Notsup;
      return m().writeU64(resolutionOut, 1n) ? Errno.Success : Errno.Fault;
    },
    // (buf, buf_len) -> errno
    random_get(buf: number, len: number) {
      len >>>= 0;
      if (len > RANDOM_GET_MAX) return Errno.Inval;
      if (!m().inBounds(buf, len)) return Errno.Fault;
      const bytes = new Uint8Array(len);
      vm.host.random(bytes);
      m().write(buf, bytes);
      return Errno.Success;
    },
    // (environ, environ_buf) -> errno
    environ_get: (pointers: number, buffer: number) => writeStringList(vm, envStrings(vm), pointers, buffer),
    // (count_out, size_out) -> errno
    environ_sizes_get: (countOut: number, sizeOut: number) => writeSizes(vm, envStrings(vm), countOut, sizeOut),
    // (argv, argv_buf) -> errno
    args_get: () => Errno.Success,
    // (argc_out, argv_buf_size_out) -> errno
    args_sizes_get: (countOut: number, sizeOut: number) => writeSizes(vm, [], countOut, sizeOut),
    // (in, out, nsubscriptions, nevents_out) -> errno; Go throws unless this succeeds, even mid-GC
    poll_oneoff(_in: number, _out: number, _count: number, eventsOut: number) {
      m().writeU32(eventsOut, 0);
      return Errno.Success;
    },
    // () -> errno
    sched_yield: () => Errno.Success,
    // (code) -> never returns
    proc_exit(code: number): void {
      throw new ProcExit(code >>> 0);
    },
    // (signal) -> errno
    proc_raise: () => Errno.Nosys,
    // (fd, flags, fd_out) -> errno
    sock_accept(_fd: number, _flags: number, fdOut: number) {
      m().writeU32(fdOut, 0);
      return Errno.Notsup;
    },
    // (fd, ri_data, ri_data_len, ri_flags, ro_datalen_out, ro_flags_out) -> errno
    sock_recv(_fd: number, _data: number, _dataLen: number, _flags: number, lenOut: number, flagsOut: number) {
      m().writeU32(lenOut, 0);
      m().writeU32(flagsOut, 0);
      return Errno.Notsup;
    },
    // (fd, si_data, si_data_len, si_flags, so_datalen_out) -> errno
    sock_send(_fd: number, _data: number, _dataLen: number, _flags: number, lenOut: number) {
      m().writeU32(lenOut, 0);
      return Errno.Notsup;
    },
    // (fd, how) -> errno
    sock_shutdown: () => Errno.Notsup,
  };
}
