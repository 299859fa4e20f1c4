import type { IncomingHttpHeaders } from 'node:http';

/**
 * The strict reading of an HTTP/1.1 request head that the fast lane (fast-lane.ts) answers itself. It accepts only
 * heads whose meaning and framing no two parsers could disagree on: origin-form target, HTTP/1.1, a Host, each
 * header once, a body framed by one plain Content-Length or none. Anything else (chunked bodies, HTTP/1.0, folded
 * or odd header lines, Upgrade, unknown Expect) is not an error here: the connection goes to Node's own parser,
 * which answers it or refuses it the way node:http always has. So this file decides "mine or not", never "bad".
 */
export interface RequestHead {
  method: string;
  url: string;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** Bytes of body after the head (0 when there is none). */
  contentLength: number;
  /** The client asked to close the connection after this answer. */
  close: boolean;
  /** The client waits for "100 Continue" before sending the body. */
  expectContinue: boolean;
}

/** Node's own limit for a request head (--max-http-header-size); a longer one gets its 431 from node:http. */
export const MAX_HEAD_BYTES = 16 * 1024;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
const REQUEST_LINE = /^([A-Z]{3,7}) (\/[!-~]*) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible ASCII, spaces, tabs and obs-text; no CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^\d{1,15}$/;

/**
 * The head in `text` (latin1, without the blank line that ends it), or null when the fast lane should not take it.
 */
export function parseRequestHead(text: string): RequestHead | null {
  const lines = text.split('\r\n');
  const line = REQUEST_LINE.exec(lines[0]);
  if (!line || !METHODS.has(line[1])) return null;
  const headers: IncomingHttpHeaders = {};
  let contentLength = 0;
  let close = false;
  let expectContinue = false;
  let host = false;
  for (let i = 1; i < lines.length; i++) {
    const field = lines[i];
    const colon = field.indexOf(':');
    if (colon <= 0) return null;
    const name = field.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name) || name === '__proto__' || headers[name] !== undefined) return null;
    const value = field.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) return null;
    switch (name) {
      case 'content-length':
        if (!DIGITS.test(value)) return null;
        contentLength = Number(value);
        break;
      case 'transfer-encoding':
      case 'upgrade':
        return null;
      case 'host':
        host = value !== '';
        break;
      case 'expect':
        if (value.toLowerCase() !== '100-continue') return null;
        expectContinue = true;
        break;
      case 'connection': {
        const options = value.toLowerCase().split(',').map((o) => o.trim());
        if (options.includes('upgrade')) return null;
        close = options.includes('close');
        break;
      }
    }
    headers[name] = value;
  }
  if (!host) return null;
  return { method: line[1], url: line[2], headers, contentLength, close, expectContinue };
}
