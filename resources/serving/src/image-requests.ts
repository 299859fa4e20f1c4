import type { HostTensor } from '../../../main/inference/host-tensor';
import { isImageBytes } from '../../../main/inference/image-input';
import type { Deadline } from './deadline';
import { HttpError, badRequest } from './http-error';
import type { ImageDecoder } from './image-threads';
import { isObject, names } from './json-requests';
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
export async function feedsFromRawImage(body: Buffer, model: ModelInfo, decoder: ImageDecoder, deadline?: Deadline): Promise<HostTensor[]> {
  const input = onlyImageInput(model);
  if (model.inputs.length > 1) {
    throw badRequest(`This model has other inputs besides the image (${names(model.inputs)}); send multipart/form-data with a part for each.`);
  }
  checkImageBytes(body, 'The image');
  return checkFeedSet([await imageTensor(body, input, 'The image', model, decoder, deadline)], model.inputs);
}

export async function feedsFromForm(parts: FormPart[], model: ModelInfo, maxElements: number, decoder: ImageDecoder, deadline?: Deadline): Promise<HostTensor[]> {
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
  files.forEach((file, i) => checkImageBytes(file.data, labels[i]));
  // The images are decoded side by side on the image threads; a bad one is reported in form order.
  const decoded = await Promise.allSettled(files.map((file, i) => imageTensor(file.data, targets[i], labels[i], model, decoder, deadline)));
  const byInput = new Map<string, HostTensor[]>();
  for (let i = 0; i < decoded.length; i++) {
    const result = decoded[i];
    if (result.status === 'rejected') throw result.reason;
    const list = byInput.get(targets[i]) ?? [];
    list.push(result.value);
    byInput.set(targets[i], list);
  }
  const feeds: HostTensor[] = [];
  for (const [name, tensors] of byInput) {
    const shape = tensors[0].dims.slice(1).join('x');
    if (tensors.some((t) => t.dims.slice(1).join('x') !== shape)) {
      throw badRequest(`The images for "${name}" come out at different sizes; give inputs.${name}.width and height in the config, or send images of one size.`);
    }
    feeds.push(stackRows(tensors));
  }
  feeds.push(...fieldFeeds);
  return checkFeedSet(feeds, model.inputs);
}

function onlyImageInput(model: ModelInfo, fieldName?: string): string {
  const images = [...model.imageInputs.keys()];
  if (images.length === 1) return images[0];
  if (images.length === 0) {
    throw new HttpError(415, `This model takes no image input (its inputs are ${model.inputs.map((i) => `"${i.name}" ${i.elementType} [${i.dims.map((d) => d ?? '?').join(', ')}]`).join(', ')}); send JSON instead.`);
  }
  throw badRequest(`${fieldName ? `The form field "${fieldName}" does not say` : 'A raw image body cannot say'} which image input it is for (${images.map((n) => `"${n}"`).join(', ')}); name each form field after its input.`);
}

function checkImageBytes(bytes: Buffer, label: string): void {
  if (!isImageBytes(bytes)) throw new HttpError(415, `${label} is not a PNG or JPEG image.`);
}

/** Bytes already known to be PNG or JPEG (checkImageBytes) -> the input tensor, from the image threads. */
function imageTensor(bytes: Buffer, inputName: string, label: string, model: ModelInfo, decoder: ImageDecoder, deadline?: Deadline): Promise<HostTensor> {
  const input = model.inputs.find((i) => i.name === inputName)!;
  return decoder.decode(bytes, input, model.imageInputs.get(inputName), label, deadline);
}
