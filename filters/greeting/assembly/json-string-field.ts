// A validating JSON reader that extracts one top-level string field.
//
// Neither AssemblyScript's std nor the proxy-wasm AS SDK ships a JSON parser,
// and the filter needs exactly two answers from its configuration: "is this
// valid JSON at all?" (Kong hands filters their config verbatim, so a typo
// must fail `on_configure` instead of silently greeting with the default) and
// "what is the string value of this one top-level key?". So this walks the
// whole document per RFC 8259 (every value is validated, nested ones too)
// and decodes only the string it was asked for.

/** What a document said about one top-level field. */
export class JsonFieldLookup {
  /** The whole text is one valid JSON value (RFC 8259). */
  valid: bool = false;
  /** Why it is not valid, with the UTF-16 offset; empty when valid. */
  error: string = "";
  /** The top-level value is an object. */
  isObject: bool = false;
  /** The object has the key (the last occurrence wins, like JSON.parse). */
  found: bool = false;
  /** That key's value is a string; `value` then holds it decoded. */
  isString: bool = false;
  value: string = "";
}

// Deep enough for any real configuration; bounded so a hostile config such as
// "[[[[…" cannot exhaust the Wasm call stack and trap the VM.
const MAX_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

class Reader {
  text: string;
  pos: i32 = 0;
  failed: bool = false;
  error: string = "";

  constructor(text: string) {
    this.text = text;
  }

  fail(message: string): void {
    if (!this.failed) {
      this.failed = true;
      this.error = message + " at offset " + this.pos.toString();
    }
  }

  atEnd(): bool {
    return this.pos >= this.text.length;
  }

  peek(): i32 {
    return this.atEnd() ? -1 : this.text.charCodeAt(this.pos);
  }

  skipWhitespace(): void {
    while (!this.atEnd()) {
      const c = this.text.charCodeAt(this.pos);
      // RFC 8259 whitespace is exactly these four; JS's wider set is not JSON.
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  expectWord(word: string): void {
    if (this.text.substring(this.pos, this.pos + word.length) == word) {
      this.pos += word.length;
    } else {
      this.fail("unexpected token");
    }
  }

  /** Any value; nested strings are validated but not kept. */
  skipValue(depth: i32): void {
    if (depth > MAX_DEPTH) {
      this.fail("nesting deeper than " + MAX_DEPTH.toString());
      return;
    }
    this.skipWhitespace();
    const c = this.peek();
    if (c == OPEN_BRACE) this.readObject(depth, null);
    else if (c == OPEN_BRACKET) this.skipArray(depth);
    else if (c == QUOTE) this.readString();
    else if (c == MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) this.skipNumber();
    else if (c == 0x74) this.expectWord("true");
    else if (c == 0x66) this.expectWord("false");
    else if (c == 0x6e) this.expectWord("null");
    else if (c < 0) this.fail("unexpected end of input");
    else this.fail("unexpected character");
  }

  /**
   * An object. When `lookup` is given this is the top-level object and the
   * member named `lookup.field` is recorded into it.
   */
  readObject(depth: i32, lookup: TopLevelLookup | null): void {
    this.pos++; // {
    this.skipWhitespace();
    if (this.peek() == CLOSE_BRACE) {
      this.pos++;
      return;
    }
    while (!this.failed) {
      this.skipWhitespace();
      if (this.peek() != QUOTE) {
        this.fail("expected a string key");
        return;
      }
      const key = this.readString();
      this.skipWhitespace();
      if (this.peek() != COLON) {
        this.fail("expected ':'");
        return;
      }
      this.pos++;
      this.skipWhitespace();
      if (lookup !== null && !this.failed && key == lookup.field) {
        lookup.found = true;
        if (this.peek() == QUOTE) {
          lookup.isString = true;
          lookup.value = this.readString();
        } else {
          lookup.isString = false;
          lookup.value = "";
          this.skipValue(depth + 1);
        }
      } else {
        this.skipValue(depth + 1);
      }
      if (this.failed) return;
      this.skipWhitespace();
      const c = this.peek();
      if (c == COMMA) {
        this.pos++;
      } else if (c == CLOSE_BRACE) {
        this.pos++;
        return;
      } else {
        this.fail("expected ',' or '}'");
        return;
      }
    }
  }

  skipArray(depth: i32): void {
    this.pos++; // [
    this.skipWhitespace();
    if (this.peek() == CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    while (!this.failed) {
      this.skipValue(depth + 1);
      if (this.failed) return;
      this.skipWhitespace();
      const c = this.peek();
      if (c == COMMA) {
        this.pos++;
      } else if (c == CLOSE_BRACKET) {
        this.pos++;
        return;
      } else {
        this.fail("expected ',' or ']'");
        return;
      }
    }
  }

  skipDigits(): i32 {
    const start = this.pos;
    while (!this.atEnd()) {
      const c = this.text.charCodeAt(this.pos);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      this.pos++;
    }
    return this.pos - start;
  }

  skipNumber(): void {
    if (this.peek() == MINUS) this.pos++;
    // JSON forbids leading zeros ("01") and a bare "-".
    if (this.peek() == DIGIT_0) {
      this.pos++;
    } else if (this.skipDigits() == 0) {
      this.fail("invalid number");
      return;
    }
    if (this.peek() == DOT) {
      this.pos++;
      if (this.skipDigits() == 0) {
        this.fail("invalid number");
        return;
      }
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.pos++;
      const sign = this.peek();
      if (sign == PLUS || sign == MINUS) this.pos++;
      if (this.skipDigits() == 0) this.fail("invalid number");
    }
  }

  /** A string starting at the opening quote, returned decoded. */
  readString(): string {
    this.pos++; // opening quote
    let out = "";
    let chunkStart = this.pos;
    while (true) {
      if (this.atEnd()) {
        this.fail("unterminated string");
        return "";
      }
      const c = this.text.charCodeAt(this.pos);
      if (c == QUOTE) {
        out += this.text.substring(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return "";
      }
      if (c != BACKSLASH) {
        this.pos++;
        continue;
      }
      out += this.text.substring(chunkStart, this.pos);
      this.pos++; // backslash
      const escaped = this.peek();
      this.pos++;
      if (escaped == QUOTE) out += "\"";
      else if (escaped == BACKSLASH) out += "\\";
      else if (escaped == SLASH) out += "/";
      else if (escaped == 0x62) out += "\b";
      else if (escaped == 0x66) out += "\f";
      else if (escaped == 0x6e) out += "\n";
      else if (escaped == 0x72) out += "\r";
      else if (escaped == 0x74) out += "\t";
      else if (escaped == 0x75) {
        const unit = this.readHex4();
        if (unit < 0) return "";
        // \uD83D\uDE00 arrives as two escapes; UTF-16 strings take the code
        // units as they are, so a pair is rebuilt by concatenation. A lone
        // surrogate is valid JSON too (JSON.parse keeps it), so is kept.
        out += String.fromCharCode(unit);
      } else {
        this.pos--;
        this.fail("invalid escape");
        return "";
      }
      chunkStart = this.pos;
    }
    return out; // unreachable; AssemblyScript wants a return on every path
  }

  /** Four hex digits after "\u"; -1 (and failed) if malformed. */
  readHex4(): i32 {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.peek();
      let digit = -1;
      if (c >= DIGIT_0 && c <= DIGIT_9) digit = c - DIGIT_0;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      if (digit < 0) {
        this.fail("invalid \\u escape");
        return -1;
      }
      value = (value << 4) | digit;
      this.pos++;
    }
    return value;
  }
}

/** The field being looked for and what was found for it. */
class TopLevelLookup {
  field: string;
  found: bool = false;
  isString: bool = false;
  value: string = "";

  constructor(field: string) {
    this.field = field;
  }
}

/**
 * Validates `text` as one JSON value and, when it is an object, reports the
 * top-level member `field` (nested members of the same name do not count).
 */
export function lookupTopLevelStringField(text: string, field: string): JsonFieldLookup {
  const reader = new Reader(text);
  const lookup = new TopLevelLookup(field);
  const result = new JsonFieldLookup();

  reader.skipWhitespace();
  if (reader.peek() == OPEN_BRACE) {
    result.isObject = true;
    reader.readObject(0, lookup);
  } else {
    reader.skipValue(0);
  }
  if (!reader.failed) {
    reader.skipWhitespace();
    if (!reader.atEnd()) reader.fail("trailing characters");
  }

  result.valid = !reader.failed;
  result.error = reader.error;
  if (result.valid && result.isObject) {
    result.found = lookup.found;
    result.isString = lookup.isString;
    result.value = lookup.value;
  }
  return result;
}
