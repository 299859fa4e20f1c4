import { badRequest } from './http-error';

/**
 * multipart/form-data bodies (what an HTML form or `curl -F image=@cat.jpg` sends): the parts with their field
 * name, file name, type and bytes. The body is already bounded by the size limit; parts are views into it.
 */
export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

const MAX_PARTS = 1024;

export function parseMultipart(body: Buffer, boundary: string | undefined): FormPart[] {
  if (!boundary) throw badRequest('The multipart/form-data body has no boundary in its Content-Type.');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw badRequest('The multipart/form-data body does not contain its boundary.');
  while (parts.length <= MAX_PARTS) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    if (body[at] === 0x0d && body[at + 1] === 0x0a) at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw badRequest('A multipart/form-data part has no end to its headers.');
    const headers = body.subarray(at, headerEnd).toString('latin1');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw badRequest('The multipart/form-data body ends before its closing boundary.');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? /\bname=([^;\s]+)/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    const contentType = /content-type:\s*([^\r\n;]*)/i.exec(headers)?.[1]?.trim().toLowerCase() ?? null;
    parts.push({ name, filename, contentType, data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
  throw badRequest(`The multipart/form-data body has more than ${MAX_PARTS} parts.`);
}
