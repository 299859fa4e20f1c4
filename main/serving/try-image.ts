import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { ImagePreprocess, InputSettings } from '../../shared/schemas/spec';
import type { TryImage, TryProtocol } from '../../shared/schemas/serve';
import { looksLikeImageInput } from '../inference/image-input';
import type { IoMeta } from '../inference/worker-protocol';
import type { TryExample } from '../../shared/schemas/serve';
import { curlHeaders, formatJson, pathFor, printfEscape, shellQuote, type PreparedRequest, type TryTarget } from './try-protocols';
import { bytesElements } from './v2-binary';

/**
 * A photo sent to an image model the way each protocol's clients send one: the lesson's /predict as a multipart
 * form (curl -F), V1 as TF Serving's {"b64": ...}, V2 as a BYTES tensor (base64 in JSON, or the file's bytes with the
 * binary extension, as Triton's clients do). The curl commands read the file from disk, so they work for any photo.
 */
export interface ImageToSend {
  input: string;
  fileName: string;
  bytes: Buffer;
}

/** The input a photo can go to: the model's only input, when the spec says it takes images or it looks like it. */
export function imageInputFor(inputs: IoMeta[], specInputs: Record<string, InputSettings | ImagePreprocess> | undefined): string | null {
  if (inputs.length !== 1) return null;
  const [input] = inputs;
  const declared = specInputs?.[input.name];
  if (declared) return declared.type === 'image' ? input.name : null;
  return looksLikeImageInput(input) ? input.name : null;
}

export function prepareImageRequest(protocol: TryProtocol, image: ImageToSend, target: TryTarget): PreparedRequest {
  const url = `${target.baseUrl.replace(/\/$/, '')}${pathFor(protocol, target.modelName)}`;
  const file = shellQuote(path.basename(image.fileName));
  const where = `Run it in the folder that holds ${path.basename(image.fileName)}, or put the file's path in its place.`;
  const send = (headers: Record<string, string>) => `curl -sS -X POST ${shellQuote(url)} \\\n${curlHeaders(headers)}  --data-binary @-`;
  switch (protocol) {
    case 'lesson': {
      const { body, contentType } = multipart(image);
      return {
        method: 'POST', url, headers: { 'Content-Type': contentType }, body,
        curl: `curl -sS -X POST ${shellQuote(url)} \\\n  -F ${shellQuote(`${image.input}=@${path.basename(image.fileName)}`)}`,
        note: `The photo goes as a multipart form, the way a browser uploads a file: the field is named after the input. ${where}`,
      };
    }
    case 'v1': {
      const [before, after] = ['{"instances": [{"b64": "', '"}]}'];
      return {
        method: 'POST', url, headers: { 'Content-Type': 'application/json' },
        body: before + image.bytes.toString('base64') + after,
        curl: `{ printf '%s' ${shellQuote(before)}; base64 < ${file} | tr -d '\\n'; printf '%s' ${shellQuote(after)}; } | \\\n${send({ 'Content-Type': 'application/json' })}`,
        note: `TF Serving's way to send bytes in JSON: the file, base64, as {"b64": ...}. The command builds the JSON around the file's base64 and pipes it to curl (a photo's base64 is too long for a command line). ${where}`,
      };
    }
    case 'v2': {
      const [before, after] = [`{"inputs": [{"name": ${JSON.stringify(image.input)}, "datatype": "BYTES", "shape": [1], "data": ["`, '"]}]}'];
      return {
        method: 'POST', url, headers: { 'Content-Type': 'application/json' },
        body: before + image.bytes.toString('base64') + after,
        curl: `{ printf '%s' ${shellQuote(before)}; base64 < ${file} | tr -d '\\n'; printf '%s' ${shellQuote(after)}; } | \\\n${send({ 'Content-Type': 'application/json' })}`,
        note: `In V2 a photo is one element of a BYTES tensor of shape [1]; JSON cannot hold raw bytes, so it travels as base64. ${where}`,
      };
    }
    case 'v2-binary': {
      const element = bytesElements([image.bytes]);
      const header = Buffer.from(JSON.stringify({
        inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], parameters: { binary_data_size: element.length } }],
        parameters: { binary_data_output: false },
      }));
      const headers = { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) };
      return {
        method: 'POST', url, headers, body: Buffer.concat([header, element]),
        // The 4 length bytes go through printf, the file itself through cat.
        curl: `{ printf '%s' ${shellQuote(header.toString())}; printf '${printfEscape(element.subarray(0, 4))}'; cat ${file}; } | \\\n${send(headers)}`,
        note: `How Triton's clients send a photo: the JSON header, then the BYTES element (its length as 4 bytes, little-endian, then the file itself). binary_data_size and the 4 length bytes are this file's size, ${image.bytes.length.toLocaleString('en-US')} bytes: for another photo they change. ${where}`,
      };
    }
  }
}

/** What the request carries, for reading: the JSON with the photo's bytes named instead of written out. */
export function imageRequestShape(protocol: TryProtocol, image: ImageToSend): string {
  const placeholder = `<${path.basename(image.fileName)}: ${image.bytes.length.toLocaleString('en-US')} bytes, base64>`;
  switch (protocol) {
    case 'lesson': return `multipart/form-data\n  ${image.input}: ${path.basename(image.fileName)} (${image.bytes.length.toLocaleString('en-US')} bytes)`;
    case 'v1': return formatJson({ instances: [{ b64: placeholder }] });
    case 'v2': return formatJson({ inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], data: [placeholder] }] });
    case 'v2-binary': return `${formatJson({ inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], parameters: { binary_data_size: 4 + image.bytes.length } }], parameters: { binary_data_output: false } })}\nthen ${4 + image.bytes.length} bytes: the length (4 bytes, little-endian), then ${path.basename(image.fileName)}`;
  }
}

function multipart(image: ImageToSend): { body: Buffer; contentType: string } {
  const boundary = `modeldock-${randomBytes(12).toString('hex')}`;
  const type = image.bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
  const name = path.basename(image.fileName).replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${image.input.replace(/["\r\n\\]/g, '_')}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { body: Buffer.concat([head, image.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The Try panel's image, as the contract carries it (base64), ready to send. */
export function imageToSend(image: TryImage): ImageToSend {
  return { input: image.input, fileName: image.fileName, bytes: Buffer.from(image.base64, 'base64') };
}

export function imageExampleFor(protocol: TryProtocol, image: ImageToSend, target: TryTarget, imageInput: string | null): TryExample {
  const prepared = prepareImageRequest(protocol, image, target);
  return { protocol, method: prepared.method, url: prepared.url, headers: prepared.headers, body: imageRequestShape(protocol, image), curl: prepared.curl, note: prepared.note, imageInput };
}
