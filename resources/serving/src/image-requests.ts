import type { HostTensor } from '../../../main/inference/host-tensor';
import { decodeImage, imageToTensor, isImageBytes } from '../../../main/inference/image-input';
import { HttpError, asHttpError, badRequest } from './http-error';
import { isObject, names } from './json-requests';
import type { ModelInfo } from './model-info';
import type { FormPart } from './multipart';
import { stackRows } from './tensor-stack';
import { checkFeedSet, jsonToTensor } from './tensor-build';

/**
 * Encoded images as inputs: a raw image/png or image/jpeg body, or multipart/form-data where each file part is an
 * image for the image input it is named after (or for the model's only image input). Several images for one input
 * become a batch. Text parts named after other inputs carry JSON for them (one row per image). Images are decoded
 * and preprocessed as the config's inputs.<name> says (resize, channel order, layout, scale, mean, std).
 */
export function feedsFromRawImage(body: Buffer, model: ModelInfo): HostTensor[] {
  const input = onlyImageInput(model);
  if (model.inputs.length > 1) {
    throw badRequest(`This model has other inputs besides the image (${names(model.inputs)}); send multipart/form-data with a part for each.`);
  }
  return checkFeedSet([imageTensor(body, input, 'The image', model)], model.inputs);
}

export function feedsFromForm(parts: FormPart[], model: ModelInfo, maxElements: number): HostTensor[] {
  const files = parts.filter((p) => p.filename !== null || (p.contentType?.startsWith('image/') ?? false));
  const fields = parts.filter((p) => !files.includes(p));
  if (!files.length && !fields.length) throw badRequest('The form has no parts; attach an image, e.g. curl -F image=@photo.jpg.');
  const byInput = new Map<string, HostTensor[]>();
  for (const file of files) {
    const target = model.imageInputs.has(file.name) ? file.name : onlyImageInput(model, file.name);
    const label = file.filename ? `"${file.filename}"` : `The image in field "${file.name}"`;
    const list = byInput.get(target) ?? [];
    list.push(imageTensor(file.data, target, label, model));
    byInput.set(target, list);
  }
  const feeds: HostTensor[] = [];
  for (const [name, tensors] of byInput) {
    const shape = tensors[0].dims.slice(1).join('x');
    if (tensors.some((t) => t.dims.slice(1).join('x') !== shape)) {
      throw badRequest(`The images for "${name}" come out at different sizes; give inputs.${name}.width and height in the config, or send images of one size.`);
    }
    feeds.push(stackRows(tensors));
  }
  for (const field of fields) {
    const input = model.inputs.find((i) => i.name === field.name);
    if (!input) throw badRequest(`The form field "${field.name}" is not an input of this model; its inputs are ${names(model.inputs)}.`);
    if (byInput.has(field.name)) throw badRequest(`Input "${field.name}" is given both as an image and as text.`);
    let value: unknown;
    try {
      value = JSON.parse(field.data.toString('utf8'));
    } catch (error) {
      throw badRequest(`The form field "${field.name}" is not valid JSON: ${(error as Error).message}.`);
    }
    if (isObject(value)) throw badRequest(`The form field "${field.name}" must be a list of values (or one value per row), not an object.`);
    feeds.push(jsonToTensor(value, input, { maxElements, addBatchAxis: true }));
  }
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

function imageTensor(bytes: Buffer, inputName: string, label: string, model: ModelInfo): HostTensor {
  if (!isImageBytes(bytes)) throw new HttpError(415, `${label} is not a PNG or JPEG image.`);
  const input = model.inputs.find((i) => i.name === inputName)!;
  try {
    return imageToTensor(decodeImage(bytes, label), input, model.imageInputs.get(inputName));
  } catch (error) {
    throw asHttpError(error) ?? error;
  }
}
