import type { IncomingHttpHeaders } from 'node:http';

/**
 * The strict reading of an HTTP/1.1 request head that the fast lane (fast-lane.ts) answers itself. It accepts only
 * heads whose meaning and framing no two parsers could disagree on: origin-form target, HTTP/1.1, a Host, each
 * header once, a body framed by one plain Content-Length or none; or the same in HTTP/1.0 (ab, and nginx's default to
 * its upstreams), where the connection stays open only when asked. Anything else (chunked bodies, folded or odd header
 * lines, Upgrade, unknown Expect, Expect in HTTP/1.0) is not an error here: the connection goes to Node's own parser,
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
const REQUEST_LINE = /^([A-Z]{3,7}) (\/[!-~]*) HTTP\/1\.([01])$/;
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
  const http10 = line[3] === '0';
  const headers: IncomingHttpHeaders = {};
  let contentLength = 0;
  // HTTP/1.0 closes after each answer unless the client asks to keep the connection.
  let close = http10;
  let expectContinue = false;
  let host = false;
  for (let i = 1; i < lines.length; i++) {
    const field = lines[i];
    const colon = field.indexOf(':');
    if (colon <= 0) return null;
    const name = field.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name) || name === '__proto__' || headers[name] !== undefined) return null;
    const value = trimWhitespace(field.slice(colon + 1));
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
        // An HTTP/1.0 client is never sent "100 Continue" (RFC 9110 10.1.1): node:http decides what it gets.
        if (http10 || value.toLowerCase() !== '100-continue') return null;
        expectContinue = true;
        break;
      case 'connection': {
        const options = value.toLowerCase().split(',').map((o) => o.trim());
        if (options.includes('upgrade')) return null;
        const asksClose = options.includes('close');
        if (!http10) close = asksClose;
        // HTTP/1.0 asking both ways at once: node:http's parser keeps such a connection open; it decides.
        else if (asksClose && options.includes('keep-alive')) return null;
        else close = !options.includes('keep-alive');
        break;
      }
    }
    headers[name] = value;
  }
  // Host is required from HTTP/1.1 on (RFC 9112 3.2).
  if (!host && !http10) return null;
  return { method: line[1], url: line[2], headers, contentLength, close, expectContinue };
}

/** Optional whitespace around a field value is spaces and tabs only (String.trim would also take CR and NBSP). */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** A character no head may hold, or a CR or LF that is not part of a CRLF (a CR at the very end may be). */
const NEVER_IN_HEAD = /[^\t\r\n\x20-\x7e\x80-\xff]|\r(?!\n|$)|(?<!\r)\n/;
/** What the start of a request line may be while it is still arriving. */
const REQUEST_LINE_START = /^[A-Z]{0,7}(?: (?:\/[!-~]*(?: (?:H(?:T(?:T(?:P(?:\/(?:1(?:\.[01]?)?)?)?)?)?)?)?)?)?)?$/;

/**
 * Whether the bytes of a head still arriving (latin1, no blank line yet) could become one the fast lane takes. When
 * they cannot, the connection goes to node:http at once, which refuses bad bytes as soon as it sees them, rather
 * than waiting for the end of a head that may never come.
 */
export function couldBeHead(text: string): boolean {
  if (NEVER_IN_HEAD.test(text)) return false;
  const lines = (text.endsWith('\r') ? text.slice(0, -1) : text).split('\r\n');
  const last = lines.length - 1;
  if (last === 0) return REQUEST_LINE_START.test(lines[0]);
  const line = REQUEST_LINE.exec(lines[0]);
  if (!line || !METHODS.has(line[1])) return false;
  for (let i = 1; i < last; i++) if (!FIELD_START.test(lines[i])) return false;
  return FIELD_PREFIX.test(lines[last]);
}

/** A whole header line starts with its name and a colon; one still arriving, with part of that. */
const FIELD_START = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:/;
const FIELD_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*(?::|$)/;
