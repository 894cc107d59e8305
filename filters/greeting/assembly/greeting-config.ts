// Turns the plugin configuration text into the greeting to send.
import { lookupTopLevelStringField } from "./json-string-field";

export const DEFAULT_GREETING = "Hello from proxy-wasm-workers";
export const GREETING_FIELD = "my_greeting";

export class GreetingConfig {
  /** False only when the configuration is not valid JSON. */
  ok: bool = true;
  greeting: string = DEFAULT_GREETING;
  /** Problems worth a warning that do not reject the configuration. */
  warnings: string[] = [];
  /** Why `ok` is false. */
  error: string = "";
}

export function parseGreetingConfig(text: string): GreetingConfig {
  const config = new GreetingConfig();
  // No configuration at all (Kong allows a filter entry without `config`)
  // is not a JSON error: it simply means "use the default".
  if (text.trim().length == 0) return config;

  const lookup = lookupTopLevelStringField(text, GREETING_FIELD);
  if (!lookup.valid) {
    config.ok = false;
    config.error = "configuration is not valid JSON: " + lookup.error;
    return config;
  }
  if (!lookup.isObject) {
    config.warnings.push("configuration is not a JSON object; using the default greeting");
  } else if (!lookup.found) {
    // Missing field is the documented way to get the default: no warning.
  } else if (!lookup.isString) {
    config.warnings.push("\"" + GREETING_FIELD + "\" is not a string; using the default greeting");
  } else {
    config.greeting = sanitizeHeaderValue(lookup.value, config.warnings);
  }
  return config;
}

// A header value cannot carry CR, LF, NUL or other control characters (the
// host would have to reject the header on every response), so they are
// replaced once here, at configuration time, where a warning is useful.
function sanitizeHeaderValue(value: string, warnings: string[]): string {
  let out = "";
  let replaced = false;
  let chunkStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c != 0x09) || c == 0x7f) {
      out += value.substring(chunkStart, i) + " ";
      chunkStart = i + 1;
      replaced = true;
    }
  }
  out += value.substring(chunkStart);
  if (replaced) {
    warnings.push("\"" + GREETING_FIELD + "\" contains control characters; replaced them with spaces");
  }
  return out;
}
