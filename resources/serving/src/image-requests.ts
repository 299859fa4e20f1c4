import { bytesPerElement, type HostTensor } from '../../../main/inference/host-tensor';
import { imageDimensions, imageTensorElements, isImageBytes } from '../../../main/inference/image-input';
import type { Deadline } from './deadline';
import { formatBytes } from './http-body';
import { HttpError, badRequest } from './http-error';
import type { ImageDecoder } from './image-threads';
import { isObject, names, type EncodedImages } from './json-requests';
import type { ModelInfo } from './model-info';
import type { FormPart } from './multipart';
import { stackRows } from './tensor-stack';
import { checkFeedSet, jsonToTensor } from './tensor-build';

/**
 * Encoded images as inputs: a raw image/png or image/jpeg body, or multipart/form-data where each file part is an
 * image for the image input it is named after (or for the model's only image input). Several images for one input
 * become a batch. Text parts named after other inputs carry JSON for them (one row per image). Images are decoded
 * and preprocessed as the config's inputs.<name> says (resize, channel order, layout, scale, mean, std), on the
 * image threads (image-threads.ts); everything that needs no decoding is checked here first.
 */
export async function feedsFromRawImage(body: Buffer, model: ModelInfo, decoding: ImageDecoding): Promise<HostTensor[]> {
  const input = onlyImageInput(model);
  if (model.inputs.length > 1) {
    throw badRequest(`This model has other inputs besides the image (${names(model.inputs)}); send multipart/form-data with a part for each.`);
  }
  return withImages([], [{ input, images: [body], labels: ['The image'] }], model, decoding);
}

/** How one request's images are decoded: the image threads, and the memory their tensors may take. */
export interface ImageDecoding {
  decoder: ImageDecoder;
  /** The most bytes of input tensors one request's images may make (serving.maxBufferedMB); beyond it, 413. */
  maxTensorBytes: number;
  /** Holds `bytes` of the server's memory budget for the request until it is answered; may wait for room. */
  reserve(bytes: number): Promise<void>;
  deadline?: Deadline;
}

export async function feedsFromForm(parts: FormPart[], model: ModelInfo, maxElements: number, decoding: ImageDecoding): Promise<HostTensor[]> {
  const files = parts.filter((p) => p.filename !== null || (p.contentType?.startsWith('image/') ?? false));
  const fields = parts.filter((p) => !files.includes(p));
  if (!files.length && !fields.length) throw badRequest('The form has no parts; attach an image, e.g. curl -F image=@photo.jpg.');
  const targets = files.map((file) => (model.imageInputs.has(file.name) ? file.name : onlyImageInput(model, file.name)));
  // Text parts first: they are cheap to check, and a mistake in one should not wait for the images to decode.
  const fieldFeeds = fields.map((field) => {
    const input = model.inputs.find((i) => i.name === field.name);
    if (!input) throw badRequest(`The form field "${field.name}" is not an input of this model; its inputs are ${names(model.inputs)}.`);
    if (targets.includes(field.name)) throw badRequest(`Input "${field.name}" is given both as an image and as text.`);
    let value: unknown;
    try {
      value = JSON.parse(field.data.toString('utf8'));
    } catch (error) {
      throw badRequest(`The form field "${field.name}" is not valid JSON: ${(error as Error).message}.`);
    }
    if (isObject(value)) throw badRequest(`The form field "${field.name}" must be a list of values (or one value per row), not an object.`);
    return jsonToTensor(value, input, { maxElements, addBatchAxis: true });
  });
  const labels = files.map((file) => (file.filename ? `"${file.filename}"` : `The image in field "${file.name}"`));
  const images: EncodedImages[] = [];
  files.forEach((file, i) => {
    let group = images.find((g) => g.input === targets[i]);
    if (!group) {
      group = { input: targets[i], images: [], labels: [] };
      images.push(group);
    }
    group.images.push(file.data);
    group.labels.push(labels[i]);
  });
  return withImages(fieldFeeds, images, model, decoding);
}

/**
 * `feeds` plus the tensors of encoded images (from a form, or {"b64": ...} in JSON), checked as one set. Every image
 * is checked to be PNG or JPEG, and the tensors they will make are counted from their headers, before any is
 * decoded: a few KB of tiny PNGs could otherwise ask for gigabytes. Then they decode side by side on the image
 * threads, and a bad one is reported in request order. Several images for one input become its batch.
 */
export async function withImages(feeds: HostTensor[], images: EncodedImages[], model: ModelInfo, decoding: ImageDecoding): Promise<HostTensor[]> {
  for (const group of images) group.images.forEach((bytes, i) => checkImageBytes(bytes, group.labels[i]));
  // Counted against the same budget as bodies, so many requests of many images cannot add up to more than it either.
  await decoding.reserve(tensorBytes(images, model, decoding.maxTensorBytes));
  const { decoder, deadline } = decoding;
  const decoded = await Promise.allSettled(images.map((group) => Promise.all(group.images.map((bytes, i) => imageTensor(bytes, group.input, group.labels[i], model, decoder, deadline)))));
  const all = [...feeds];
  for (let g = 0; g < images.length; g++) {
    const result = decoded[g];
    if (result.status === 'rejected') throw result.reason;
    const name = images[g].input;
    const tensors = result.value;
    const shape = tensors[0].dims.slice(1).join('x');
    if (tensors.some((t) => t.dims.slice(1).join('x') !== shape)) {
      throw badRequest(`The images for "${name}" come out at different sizes; give inputs.${name}.width and height in the config, or send images of one size.`);
    }
    all.push(stackRows(tensors));
  }
  return checkFeedSet(all, model.inputs);
}

function onlyImageInput(model: ModelInfo, fieldName?: string): string {
  const images = [...model.imageInputs.keys()];
  if (images.length === 1) return images[0];
  if (images.length === 0) {
    throw new HttpError(415, `This model takes no image input (its inputs are ${model.inputs.map((i) => `"${i.name}" ${i.elementType} [${i.dims.map((d) => d ?? '?').join(', ')}]`).join(', ')}); send JSON instead.`);
  }
  throw badRequest(`${fieldName ? `The form field "${fieldName}" does not say` : 'A raw image body cannot say'} which image input it is for (${images.map((n) => `"${n}"`).join(', ')}); name each form field after its input.`);
}

/** The bytes of input tensors the images will make, from their headers; 413 when one request's are beyond `maxBytes`. */
function tensorBytes(images: EncodedImages[], model: ModelInfo, maxBytes: number): number {
  let bytes = 0;
  let count = 0;
  for (const group of images) {
    const input = model.inputs.find((i) => i.name === group.input)!;
    const settings = model.imageInputs.get(group.input);
    const elementBytes = bytesPerElement(input.elementType ?? 'float32');
    for (const image of group.images) {
      const size = imageDimensions(image);
      bytes += imageTensorElements(input, settings, size?.width ?? 0, size?.height ?? 0) * elementBytes;
      count++;
    }
  }
  if (bytes <= maxBytes) return bytes;
  const fit = Math.max(1, Math.floor(maxBytes / (bytes / count)));
  // Just over the line, whole megabytes would print the same figure twice: say it in KB then.
  const [made, allowed] = formatBytes(bytes) === formatBytes(maxBytes)
    ? [`${Math.ceil(bytes / 1024)} KB`, `${Math.floor(maxBytes / 1024)} KB`]
    : [formatBytes(bytes), formatBytes(maxBytes)];
  throw new HttpError(413, `The request's ${count} images would make ${made} of input tensors; one request may make up to ${allowed} (MODELDOCK_MAX_BUFFERED_MB). Send at most ${fit} images like these per request, or raise the limit.`);
}

function checkImageBytes(bytes: Buffer, label: string): void {
  if (!isImageBytes(bytes)) throw new HttpError(415, `${label} is not a PNG or JPEG image.`);
}

/** Bytes already known to be PNG or JPEG (checkImageBytes) -> the input tensor, from the image threads. */
function imageTensor(bytes: Buffer, inputName: string, label: string, model: ModelInfo, decoder: ImageDecoder, deadline?: Deadline): Promise<HostTensor> {
  const input = model.inputs.find((i) => i.name === inputName)!;
  return decoder.decode(bytes, input, model.imageInputs.get(inputName), label, deadline);
}
