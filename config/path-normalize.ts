/**
 * Request path normalisation before routing, as Kong does it: otherwise `/a/%62` or
 * `/a/./b` or `//a` would slip past a route guarding `/a/b` or `/a`.
 * @module
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Decodes percent-encoded unreserved characters, upper-cases the hex of the other escapes,
 * removes `.` and `..` segments and merges duplicate slashes. The query string must already
 * be gone.
 */
export function normalizePath(path: string): string {
  if (path === "" || path === "/") return path;
  let decoded = path;
  if (path.includes("%")) {
    decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
      const ch = String.fromCharCode(parseInt(hex, 16));
      return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    });
  }
  if (!decoded.includes(".") && !decoded.includes("//")) return decoded;
  return removeDotSegments(decoded);
}

/** RFC 3986 §5.2.4 dot-segment removal, with empty segments (`//`) merged. */
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
    } else if (segment === ".") {
      trailingSlash = last;
    } else if (segment === "") {
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
