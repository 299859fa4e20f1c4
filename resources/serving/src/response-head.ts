import { STATUS_CODES } from 'node:http';

/**
 * The status line and header block of a fast-lane answer, as node:http would write them: the server's headers,
 * then Date and the connection's fate (Connection: keep-alive with Keep-Alive: timeout, or Connection: close).
 */
export function responseHead(status: number, headers: Record<string, string | string[]>, close: boolean, keepAliveSeconds: number): string {
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  let connection = false;
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) for (const item of value) text += fieldLine(name, item);
    else text += fieldLine(name, value);
    if (name.length === 10 && name.toLowerCase() === 'connection') connection = true;
  }
  text += `Date: ${httpDate()}\r\n`;
  if (!connection) text += close ? 'Connection: close\r\n' : `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`;
  return `${text}\r\n`;
}

/** The answer asks for the connection to close (the server sets this while draining and after a 413). */
export function asksToClose(headers: Record<string, string | string[]>): boolean {
  const value = headers.Connection ?? headers.connection;
  return typeof value === 'string' && value.toLowerCase() === 'close';
}

const UNSAFE = /[\r\n\0]/;

function fieldLine(name: string, value: string): string {
  // The server's own values; a line break in one would split the answer, so it is a fault, as in node:http.
  if (UNSAFE.test(value) || UNSAFE.test(name)) throw new Error(`Invalid character in header "${name}".`);
  return `${name}: ${value}\r\n`;
}

let dateText = '';
let dateSecond = -1;

/** The Date header, made once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
