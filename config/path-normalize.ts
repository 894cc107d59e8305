/**
 * Request path normalisation as Kong 3.x does it before routing, and the escaping it applies
 * to the path it sends upstream. Without it `/a/%62`, `/a/./b` or `//a` would slip past a route
 * guarding `/a/b` or `/a`, and a route could not be written with the characters it means.
 * @module
 */

/**
 * RFC 3986 reserved characters (and `%`): an escape of one of them changes what the path
 * means, so it stays escaped (with upper-case hex). Every other escape is decoded.
 */
const RESERVED = new Set("!*'();:@&=+$,/?%#[]");

/** What may go upstream as it is; anything else is percent-encoded (Kong's `escape`). */
const SAFE = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/gu;

const HEX = /%([0-9A-Fa-f]{2})/g;

/**
 * Kong 3.x's normalisation of a path without query string: percent escapes of reserved
 * characters keep their encoding with upper-case hex, every other escape is decoded (UTF-8
 * sequences to their characters), `.` and `..` segments are resolved (also when they were
 * encoded), and runs of slashes become one.
 */
export function normalizePath(path: string): string {
  if (path === "" || path === "/") return path;
  const decoded = path.includes("%") ? decodeUnreserved(path) : path;
  if (!decoded.includes(".") && !decoded.includes("//")) return decoded;
  return removeDotSegments(decoded);
}

/**
 * Kong's `escape` of the upstream path: characters outside the reserved and unreserved sets
 * (spaces, quotes, non-ASCII …) are percent-encoded as UTF-8; `%` and what is already escaped
 * stay as they are.
 */
export function escapePath(path: string): string {
  SAFE.lastIndex = 0;
  if (!SAFE.test(path)) return path;
  return path.replace(SAFE, (ch) => {
    try {
      return encodeURIComponent(ch).toUpperCase();
    } catch {
      return "%EF%BF%BD"; // a lone surrogate: U+FFFD, as TextEncoder would write it
    }
  });
}

/**
 * Decodes the escapes of non-reserved bytes. Bytes of 0x80 and up are decoded together as
 * UTF-8 when they form valid UTF-8; otherwise they stay escaped (upper-case), since a JS
 * string cannot hold a stray byte.
 */
function decodeUnreserved(path: string): string {
  let out = "";
  let last = 0;
  let high = "";
  const flushHigh = () => {
    if (high === "") return;
    try {
      out += decodeURIComponent(high);
    } catch {
      out += high.toUpperCase();
    }
    high = "";
  };
  HEX.lastIndex = 0;
  for (let m = HEX.exec(path); m !== null; m = HEX.exec(path)) {
    if (m.index !== last) {
      flushHigh();
      out += path.slice(last, m.index);
    }
    last = m.index + 3;
    const byte = parseInt(m[1], 16);
    if (byte >= 0x80) {
      high += m[0];
      continue;
    }
    flushHigh();
    const ch = String.fromCharCode(byte);
    out += RESERVED.has(ch) ? m[0].toUpperCase() : ch;
  }
  flushHigh();
  return out + path.slice(last);
}

/**
 * RFC 3986 §5.2.4 dot-segment removal, Kong's way: `..` never climbs above the root, and
 * empty segments (`//`) are merged. A path ending in `.` or `..` keeps its trailing slash.
 */
function removeDotSegments(path: string): string {
  const leading = path.startsWith("/");
  const segments = path.split("/");
  const out: string[] = [];
  let trailingSlash = false;
  for (let i = leading ? 1 : 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (segment === "..") {
      out.pop();
      trailingSlash = last;
    } else if (segment === "." || segment === "") {
      trailingSlash = last;
    } else {
      out.push(segment);
      trailingSlash = false;
    }
  }
  const body = out.join("/");
  if (body === "") return leading ? "/" : "";
  return (leading ? "/" : "") + body + (trailingSlash ? "/" : "");
}
