import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ImagePreprocess, InputSettings } from '../../shared/schemas/spec';
import type { TryExample, TryImage, TryProtocol } from '../../shared/schemas/serve';
import type { ElementType } from '../../shared/schemas/tensor';
import { looksLikeImageInput } from '../inference/image-input';
import { makeSampleInputs } from '../inference/sample-inputs';
import { hostToWire } from '../inference/tensor-codec';
import type { IoMeta } from '../inference/worker-protocol';
import {
  curlHeaders, formatJson, pathFor, printfEscape, rowOf, shellQuote, tidy,
  type PhotoInputs, type PreparedRequest, type TryTarget,
} from './try-protocols';
import { bytesElements, v2Datatype } from './v2-binary';

/**
 * A photo sent to an image model the way each protocol's clients send one: the lesson's /predict as a multipart
 * form (curl -F), V1 as TF Serving's {"b64": ...}, V2 as a BYTES tensor (base64 in JSON, or the file's bytes with the
 * binary extension, as Triton's clients do). The curl commands read the file from disk, so they work for any photo.
 * A model with other inputs besides the image (a detector's image size, a temperature) gets one row's value for
 * each beside the photo: a form field, a key of the V1 instance, a V2 tensor of its own.
 */
export interface ImageToSend {
  input: string;
  fileName: string;
  bytes: Buffer;
  /** The other inputs' values (one row each), in the model's input order. */
  others: OtherValue[];
}

interface OtherValue {
  name: string;
  /** Null when the model's inputs were not at hand (V2 then says FP32, the usual case). */
  elementType: ElementType | null;
  value: unknown;
}

/**
 * The input a photo can go to (the model's one image input: declared `type: image` in the spec, or looking like one
 * when the spec says nothing of it), and what the other inputs take, with a sample row for each.
 */
export function photoInputsFor(inputs: IoMeta[], specInputs: Record<string, InputSettings | ImagePreprocess> | undefined): PhotoInputs {
  const images = inputs.filter((input) => {
    const declared = specInputs?.[input.name];
    return declared ? declared.type === 'image' : looksLikeImageInput(input);
  });
  if (images.length !== 1) return { input: null, others: [] };
  const image = images[0].name;
  const rest = inputs.filter((i) => i.name !== image);
  const samples = makeSampleInputs(rest, 'sample', 1, { firstDim: 1 }).map(hostToWire).map(tidy);
  return {
    input: image,
    others: rest.map((input, i) => ({
      name: input.name,
      type: `${input.elementType ?? 'not a tensor'} [${input.dims.map((d) => d ?? '?').join(', ')}]`,
      sample: JSON.stringify(rowOf(samples[i], 0)),
    })),
  };
}

export function prepareImageRequest(protocol: TryProtocol, image: ImageToSend, target: TryTarget): PreparedRequest {
  const url = `${target.baseUrl.replace(/\/$/, '')}${pathFor(protocol, target.modelName)}`;
  const file = shellQuote(path.basename(image.fileName));
  const where = `Run it in the folder that holds ${path.basename(image.fileName)}, or put the file's path in its place.`;
  const send = (headers: Record<string, string>) => `curl -sS -X POST ${shellQuote(url)} \\\n${curlHeaders(headers)}  --data-binary @-`;
  const besides = image.others.length ? ` The other input${image.others.length > 1 ? 's go' : ' goes'} beside it: ${image.others.map((o) => o.name).join(', ')}.` : '';
  switch (protocol) {
    case 'lesson': {
      const { body, contentType } = multipart(image);
      const fields = image.others.map((o) => ` \\\n  -F ${shellQuote(`${o.name}=${JSON.stringify(o.value)}`)}`).join('');
      return {
        method: 'POST', url, headers: { 'Content-Type': contentType }, body,
        curl: `curl -sS -X POST ${shellQuote(url)} \\\n  -F ${shellQuote(`${image.input}=@${path.basename(image.fileName)}`)}${fields}`,
        note: `The photo goes as a multipart form, the way a browser uploads a file: the field is named after the input.${image.others.length ? ' Each other input is a text field holding its value as JSON.' : ''} ${where}`,
      };
    }
    case 'v1': {
      const [before, after] = v1Frame(image);
      return {
        method: 'POST', url, headers: { 'Content-Type': 'application/json' },
        body: before + image.bytes.toString('base64') + after,
        curl: `{ printf '%s' ${shellQuote(before)}; base64 < ${file} | tr -d '\\n'; printf '%s' ${shellQuote(after)}; } | \\\n${send({ 'Content-Type': 'application/json' })}`,
        note: `TF Serving's way to send bytes in JSON: the file, base64, as {"b64": ...}.${image.others.length ? ' With other inputs the instance is an object naming each.' : ''} The command builds the JSON around the file's base64 and pipes it to curl (a photo's base64 is too long for a command line). ${where}`,
      };
    }
    case 'v2': {
      const others = image.others.map((o) => `, ${JSON.stringify(v2Tensor(o))}`).join('');
      const [before, after] = [`{"inputs": [{"name": ${JSON.stringify(image.input)}, "datatype": "BYTES", "shape": [1], "data": ["`, `"]}${others}]}`];
      return {
        method: 'POST', url, headers: { 'Content-Type': 'application/json' },
        body: before + image.bytes.toString('base64') + after,
        curl: `{ printf '%s' ${shellQuote(before)}; base64 < ${file} | tr -d '\\n'; printf '%s' ${shellQuote(after)}; } | \\\n${send({ 'Content-Type': 'application/json' })}`,
        note: `In V2 a photo is one element of a BYTES tensor of shape [1]; JSON cannot hold raw bytes, so it travels as base64.${besides} ${where}`,
      };
    }
    case 'v2-binary': {
      const element = bytesElements([image.bytes]);
      const header = Buffer.from(JSON.stringify({
        inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], parameters: { binary_data_size: element.length } }, ...image.others.map(v2Tensor)],
        parameters: { binary_data_output: false },
      }));
      const headers = { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) };
      return {
        method: 'POST', url, headers, body: Buffer.concat([header, element]),
        // The 4 length bytes go through printf, the file itself through cat.
        curl: `{ printf '%s' ${shellQuote(header.toString())}; printf '${printfEscape(element.subarray(0, 4))}'; cat ${file}; } | \\\n${send(headers)}`,
        note: `How Triton's clients send a photo: the JSON header, then the BYTES element (its length as 4 bytes, little-endian, then the file itself).${image.others.length ? ' The other inputs are JSON tensors in the header.' : ''} binary_data_size and the 4 length bytes are this file's size, ${image.bytes.length.toLocaleString('en-US')} bytes: for another photo they change. ${where}`,
      };
    }
  }
}

/** The V1 body around the photo's base64: one instance, an object naming each input when there are others. */
function v1Frame(image: ImageToSend): [string, string] {
  if (!image.others.length) return ['{"instances": [{"b64": "', '"}]}'];
  const rest = image.others.map((o) => `, ${JSON.stringify(o.name)}: ${JSON.stringify(o.value)}`).join('');
  return [`{"instances": [{${JSON.stringify(image.input)}: {"b64": "`, `"}${rest}}]}`];
}

/** One row of another input as a V2 JSON tensor: a batch of 1 of the row's shape, data flattened. */
function v2Tensor(other: OtherValue): { name: string; datatype: string; shape: number[]; data: unknown[] } {
  return { name: other.name, datatype: other.elementType ? v2Datatype(other.elementType) : 'FP32', shape: [1, ...shapeOf(other.value)], data: [other.value].flat(Infinity) };
}

function shapeOf(value: unknown): number[] {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  return dims;
}

/** What the request carries, for reading: the JSON with the photo's bytes named instead of written out. */
export function imageRequestShape(protocol: TryProtocol, image: ImageToSend): string {
  const size = image.bytes.length.toLocaleString('en-US');
  const placeholder = `<${path.basename(image.fileName)}: ${size} bytes, base64>`;
  const named = Object.fromEntries(image.others.map((o) => [o.name, o.value]));
  switch (protocol) {
    case 'lesson': return `multipart/form-data\n  ${image.input}: ${path.basename(image.fileName)} (${size} bytes)${image.others.map((o) => `\n  ${o.name}: ${JSON.stringify(o.value)}`).join('')}`;
    case 'v1': return formatJson({ instances: [image.others.length ? { [image.input]: { b64: placeholder }, ...named } : { b64: placeholder }] });
    case 'v2': return formatJson({ inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], data: [placeholder] }, ...image.others.map(v2Tensor)] });
    case 'v2-binary': return `${formatJson({ inputs: [{ name: image.input, datatype: 'BYTES', shape: [1], parameters: { binary_data_size: 4 + image.bytes.length } }, ...image.others.map(v2Tensor)], parameters: { binary_data_output: false } })}\nthen ${4 + image.bytes.length} bytes: the length (4 bytes, little-endian), then ${path.basename(image.fileName)}`;
  }
}

function multipart(image: ImageToSend): { body: Buffer; contentType: string } {
  const boundary = `modeldock-${randomBytes(12).toString('hex')}`;
  const type = image.bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
  const name = path.basename(image.fileName).replace(/["\r\n\\]/g, '_');
  const field = (input: string) => input.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field(image.input)}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const texts = image.others.map((o) => `\r\n--${boundary}\r\nContent-Disposition: form-data; name="${field(o.name)}"\r\n\r\n${JSON.stringify(o.value)}`).join('');
  return { body: Buffer.concat([head, image.bytes, Buffer.from(`${texts}\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The Try panel's image, as the contract carries it (base64, and JSON text for other inputs), ready to send.
 * `inputs`: the model's, for the other inputs' order and types (V2 names a datatype); empty when not at hand.
 */
export function imageToSend(image: TryImage, inputs: IoMeta[] = []): ImageToSend {
  const given = Object.entries(image.values ?? {}).filter(([name]) => name !== image.input);
  const order = (name: string) => {
    const at = inputs.findIndex((i) => i.name === name);
    return at < 0 ? inputs.length : at;
  };
  given.sort(([a], [b]) => order(a) - order(b));
  const others = given.map(([name, text]) => ({ name, elementType: inputs.find((i) => i.name === name)?.elementType ?? null, value: parseValue(name, text) }));
  return { input: image.input, fileName: image.fileName, bytes: Buffer.from(image.base64, 'base64'), others };
}

function parseValue(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelDockError({
      code: 'try-value-invalid',
      title: 'A value is not valid JSON',
      message: `The value for input "${name}" is not valid JSON (${(error as Error).message}).`,
      fix: 'Give one row\'s value as JSON, e.g. 0.5 or [1.0, 2.0], as the box showed it at first.',
    });
  }
}

export function imageExampleFor(protocol: TryProtocol, image: ImageToSend, target: TryTarget, photo: PhotoInputs): TryExample {
  const prepared = prepareImageRequest(protocol, image, target);
  return { protocol, method: prepared.method, url: prepared.url, headers: prepared.headers, body: imageRequestShape(protocol, image), curl: prepared.curl, note: prepared.note, imageInput: photo.input, imageOthers: photo.others };
}
