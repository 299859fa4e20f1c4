/**
 * Protocol 0 writes strings and numbers as text: Python reprs with backslash escapes, raw-unicode-escape, and
 * decimal integers. These decoders follow Python's rules so a module name spelt with escapes ("\x6fs") is read
 * as the unpickler reads it ("os").
 */

/** codecs.escape_decode on a STRING argument; null on an escape Python rejects (a truncated \x). */
export function decodeEscapedString(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') { out += c; continue; }
    const n = text[++i];
    if (n === undefined) return null; // trailing backslash
    switch (n) {
      case '\n': break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          let digits = n;
          while (digits.length < 3 && text[i + 1] >= '0' && text[i + 1] <= '7') digits += text[++i];
          out += String.fromCharCode(parseInt(digits, 8) & 0xff);
        } else {
          out += `\\${n}`; // Python keeps unknown escapes as they are
        }
    }
  }
  return out;
}

/** raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes; every other byte is its latin-1 character. */
export function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four: string | undefined, eight: string | undefined) => {
    const code = parseInt(four ?? eight ?? '0', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** int(text) for protocol 0 INT/LONG/PUT/GET arguments (surrounding whitespace and underscores as Python allows). */
export function parseDecimalInt(text: string): bigint | null {
  const t = text.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (!/^[-+]?\d+$/.test(t)) return null;
  return BigInt(t);
}

export function parsePythonFloat(text: string): boolean {
  return /^\s*[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf(inity)?|nan)\s*$/i.test(text);
}
