// The plugin configuration, a JSON object:
//   {"minute": 4, "header_name": "x-client-id"}
// `minute` is the number of requests a client may make per minute; clients
// are told apart by the value of `header_name` (no header: one shared bucket).

export class LimitConfig {
  minute: i32 = -1;
  headerName: string = "";
}

function skipSpaces(text: string, at: i32): i32 {
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
    at++;
  }
  return at;
}

// Where the value of top-level `"field":` starts, or -1.
function valueStart(text: string, field: string): i32 {
  const at = text.indexOf('"' + field + '"');
  if (at < 0) return -1;
  const colon = skipSpaces(text, at + field.length + 2);
  if (colon >= text.length || text.charCodeAt(colon) != 0x3a) return -1;
  return skipSpaces(text, colon + 1);
}

function readInteger(text: string, field: string): i32 {
  let at = valueStart(text, field);
  if (at < 0) return -1;
  let value: i32 = 0;
  let digits = 0;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    digits++;
    at++;
  }
  return digits > 0 ? value : -1;
}

function readString(text: string, field: string): string {
  const at = valueStart(text, field);
  if (at < 0 || text.charCodeAt(at) != 0x22) return "";
  const end = text.indexOf('"', at + 1);
  return end < 0 ? "" : text.substring(at + 1, end);
}

export function parseLimitConfig(text: string): LimitConfig {
  const config = new LimitConfig();
  config.minute = readInteger(text, "minute");
  config.headerName = readString(text, "header_name");
  return config;
}
