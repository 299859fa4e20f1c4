import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ModelDockError } from '../../shared/errors';
import { ImagePreprocessSchema, looksLikeImage, type ImagePreprocess } from '../../shared/schemas/spec';
import { applyOrientation, exifOrientation } from './exif-orientation';
import { numberToFloat16Bits } from './float16';
import { jpegSegments } from './jpeg-segments';
import { decodeJpegWasm } from './jpeg-wasm';
import { allocateValues, formatDims, type HostTensor } from './host-tensor';
import { nonTensorInput } from './json-input';
import type { IoMeta } from './worker-protocol';

/**
 * Image files -> an input tensor: decode (PNG, JPEG), resize (stretch, or scale the short side and crop the
 * centre; bilinear), pick channels (RGB, BGR or GRAY), lay out as NCHW or NHWC, then value * scale, - mean, / std
 * per channel, as the spec's inputs.<name> says. Alpha is ignored (pixels are used as stored).
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major, as the file stores them. */
  rgba: Uint8Array;
  /** The file's EXIF Orientation (1-8; 1 = as stored), applied only when the input's settings say `orientation: exif`. */
  orientation?: number;
}

/** The most pixels any image may have here (the serving runtime sets its own, lower, budget). */
export const MAX_PIXELS = 100_000_000;

/**
 * The shared rule (shared/schemas/spec.ts) for an input ONNX Runtime describes: the serving runtime treats such an
 * input as an image input when no config says otherwise, and the Try panel offers to send it a photo.
 */
export function looksLikeImageInput(input: IoMeta): boolean {
  return input.isTensor && looksLikeImage(input.elementType, input.dims);
}

export function isImageBytes(bytes: Uint8Array): boolean {
  return isPng(bytes) || isJpeg(bytes);
}

function isPng(b: Uint8Array): boolean {
  return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * Width and height from the header alone (PNG IHDR, the JPEG frame header), or null when the header does not say.
 * Decoders allocate by these numbers, so a small file can declare a picture of gigabytes (a decompression bomb):
 * this is what lets decodeImage refuse one before any pixel is allocated.
 */
export function imageDimensions(b: Uint8Array): { width: number; height: number } | null {
  if (isPng(b)) {
    // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), big-endian.
    if (b.length < 24 || b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (!isJpeg(b)) return null;
  for (const { marker, at } of jpegSegments(b)) {
    // SOF0..SOF15 carry the frame size; C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > b.length) return null;
      return { height: (b[at + 5] << 8) | b[at + 6], width: (b[at + 7] << 8) | b[at + 8] };
    }
  }
  return null;
}

function tooLarge(width: number, height: number, maxPixels: number): ModelDockError {
  return new ModelDockError({
    code: 'image-too-large',
    title: 'The image is too large',
    message: `${width}x${height} is ${formatMegapixels(width * height)} megapixels, beyond the ${formatMegapixels(maxPixels)} allowed here.`,
    fix: 'Send a smaller image (scale it down before sending), or raise the limit where it is set.',
  });
}

/** Megapixels as messages show them: whole above 10, one decimal above 1, two significant digits below. */
export function formatMegapixels(pixels: number): string {
  const mp = pixels / 1e6;
  if (mp >= 10) return String(Math.round(mp));
  return mp >= 1 ? String(Math.round(mp * 10) / 10) : String(Number(mp.toPrecision(2)));
}

/** `maxPixels`: images declaring more are refused from their header, before decoding (see imageDimensions). */
export function decodeImage(bytes: Uint8Array, fileName: string, maxPixels = MAX_PIXELS): DecodedImage {
  const declared = imageDimensions(bytes);
  if (declared && declared.width * declared.height > maxPixels) throw tooLarge(declared.width, declared.height, maxPixels);
  // libjpeg's words for a broken JPEG are clearer than jpeg-js's ("Premature end of JPEG file" vs "marker was not found").
  let problem: string | null = null;
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), orientation: exifOrientation(bytes) };
    }
    if (isJpeg(bytes)) {
      // The fast decoder only when the header's size was checked above; jpeg-js enforces its own limits.
      const fast = declared ? decodeJpegWasm(bytes) : null;
      if (fast?.image) return { ...fast.image, orientation: exifOrientation(bytes) };
      problem = fast?.problem ?? null;
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, rgba: img.data, orientation: exifOrientation(bytes) };
    }
  } catch (error) {
    throw new ModelDockError({
      code: 'image-invalid',
      title: 'The image cannot be decoded',
      message: `${fileName} cannot be decoded: ${(problem ?? (error as Error).message).replace(/\.$/, '')}.`,
      fix: 'Save it again as PNG or JPEG.',
    });
  }
  throw new ModelDockError({
    code: 'image-unsupported',
    title: 'Unsupported image format',
    message: `${fileName} is not a PNG or JPEG image.`,
    fix: 'Convert the image to PNG or JPEG.',
  });
}

interface Plan {
  layout: 'NCHW' | 'NHWC';
  batched: boolean;
  channels: number;
  width: number;
  height: number;
}

/** The spec's layout when it gives one, else read from the model input's dims. */
export function imageLayout(dims: IoMeta['dims'], settings: ImagePreprocess, explicit: boolean): 'NCHW' | 'NHWC' {
  if (explicit) return settings.layout;
  const off = dims.length === 4 ? 1 : 0;
  // A colour axis (3) is the strongest hint, then a gray one (1); NCHW when neither says.
  return dims[off] === 3 ? 'NCHW' : dims[off + 2] === 3 ? 'NHWC' : dims[off] === 1 ? 'NCHW' : dims[off + 2] === 1 ? 'NHWC' : 'NCHW';
}

/** Layout, size and channel count from the spec where set, else from the model input's fixed dimensions. */
function plan(input: IoMeta, settings: ImagePreprocess, explicit: boolean, image: DecodedImage): Plan {
  const dims = input.dims;
  const rank = dims.length;
  if (rank !== 3 && rank !== 4) {
    throw new ModelDockError({
      code: 'image-input-shape',
      title: 'This input does not take images',
      message: `Input "${input.name}" has shape ${formatDims(dims)}; an image input has 4 dimensions (batch, channels, height, width) or 3.`,
      fix: 'Feed this input a tensor (JSON or .npy) instead of an image.',
    });
  }
  const off = rank === 4 ? 1 : 0;
  const layout = imageLayout(dims, settings, explicit);
  const [cAxis, hAxis, wAxis] = layout === 'NCHW' ? [off, off + 1, off + 2] : [off + 2, off, off + 1];
  const fixed = (d: unknown): number | null => (typeof d === 'number' && d > 0 ? d : null);
  const modelChannels = fixed(dims[cAxis]);
  const channels = modelChannels ?? (settings.colorOrder === 'GRAY' ? 1 : 3);
  if (channels !== 1 && channels !== 3) {
    throw new ModelDockError({
      code: 'image-input-shape',
      title: 'Unsupported channel count',
      message: `Input "${input.name}" has ${channels} channels on its ${layout} channel axis; images give 1 (gray) or 3 (colour).`,
      fix: 'Check the layout (NCHW/NHWC) under inputs.' + input.name + ' in the spec.',
    });
  }
  return {
    layout,
    batched: rank === 4,
    channels,
    width: settings.width ?? fixed(dims[wAxis]) ?? image.width,
    height: settings.height ?? fixed(dims[hAxis]) ?? image.height,
  };
}

const NO_PIXELS = new Uint8Array(0);

/**
 * How many values imageToTensor will make for an image of width x height (from its header), before decoding: a
 * small file can become a large tensor, so servers budget by this.
 */
export function imageTensorElements(input: IoMeta, settings: ImagePreprocess | undefined, width: number, height: number): number {
  const p = plan(input, settings ?? ImagePreprocessSchema.parse({ type: 'image' }), settings !== undefined, { width, height, rgba: NO_PIXELS });
  return p.width * p.height * p.channels;
}

export function imageToTensor(stored: DecodedImage, input: IoMeta, settings?: ImagePreprocess): HostTensor {
  if (!input.isTensor || !input.elementType) throw nonTensorInput(input.name);
  const s = settings ?? ImagePreprocessSchema.parse({ type: 'image' });
  const image = s.orientation === 'exif' ? applyOrientation(stored, stored.orientation ?? 1) : stored;
  const p = plan(input, s, settings !== undefined, image);
  const type = input.elementType;
  const isFloat = type === 'float32' || type === 'float64' || type === 'float16';
  if (!isFloat && type !== 'uint8') {
    throw new ModelDockError({
      code: 'image-input-type',
      title: 'This input does not take images',
      message: `Input "${input.name}" takes ${type}; images become float (normalised) or uint8 (raw pixels).`,
      fix: 'Feed this input a tensor (JSON or .npy) instead.',
    });
  }
  const order = p.channels === 1 ? 'GRAY' : s.colorOrder === 'GRAY' ? 'RGB' : s.colorOrder;
  const mean = perChannel(s.mean, p.channels, 'mean', input.name);
  const std = perChannel(s.std, p.channels, 'std', input.name);
  const { width: w, height: h, channels: c } = p;
  // Already the target size: bilinear sampling would return every pixel unchanged, so use them as they are.
  const pixels: Float32Array | Uint8Array = image.width === w && image.height === h ? checkedPixels(image) : resizeBilinear(image, w, h, s.resize);
  const out = allocateValues(type, w * h * c);
  const n = w * h;
  // NCHW: one plane per channel; NHWC: channels interleaved per pixel.
  const channelStep = p.layout === 'NCHW' ? n : 1;
  const pixelStep = p.layout === 'NCHW' ? 1 : c;
  const kind = type === 'uint8' ? 'uint8' : type === 'float16' ? 'float16' : 'float';
  const scale = s.scale;
  for (let ch = 0; ch < c; ch++) {
    // Subtracting 0 and dividing by 1 are exact, so channels without mean/std get the same values as before.
    const m = mean ? mean[ch] : 0;
    const sd = std ? std[ch] : 1;
    const source = order === 'BGR' ? 2 - ch : ch;
    const gray = order === 'GRAY';
    let at = ch * channelStep;
    if (kind === 'float' && !gray) {
      fillFloatChannel(out as Float32Array | Float64Array, pixels, source, at, pixelStep, n, scale, m, sd);
      continue;
    }
    for (let i = 0, src = 0; i < n; i++, src += 4, at += pixelStep) {
      // ITU-R BT.601 luma for gray, the weights most vision libraries use.
      const raw = gray ? 0.299 * pixels[src] + 0.587 * pixels[src + 1] + 0.114 * pixels[src + 2] : pixels[src + source];
      if (kind === 'float') (out as Float32Array | Float64Array)[at] = (raw * scale - m) / sd;
      else if (kind === 'float16') (out as Uint16Array)[at] = numberToFloat16Bits((raw * scale - m) / sd);
      else (out as Uint8Array)[at] = Math.max(0, Math.min(255, Math.round(raw)));
    }
  }
  const dims = p.layout === 'NCHW' ? [c, h, w] : [h, w, c];
  return { name: input.name, elementType: type, dims: p.batched ? [1, ...dims] : dims, data: out };
}

/**
 * The usual case (a float input, one colour channel) in a loop of its own: with no per-value branches the JIT compiles
 * it tight, about 3x faster than the general loop, with the same arithmetic and so the same values.
 */
function fillFloatChannel(out: Float32Array | Float64Array, pixels: Float32Array | Uint8Array, source: number, at: number, step: number, n: number, scale: number, mean: number, std: number): void {
  for (let i = 0, src = source; i < n; i++, src += 4, at += step) out[at] = (pixels[src] * scale - mean) / std;
}

function perChannel(values: number[] | undefined, channels: number, what: string, name: string): number[] | null {
  if (!values) return null;
  if (values.length === 1) return new Array(channels).fill(values[0]);
  if (values.length === channels) return values;
  throw new ModelDockError({
    code: 'image-preprocess',
    title: `The ${what} does not match the channels`,
    message: `inputs.${name}.${what} has ${values.length} values but the image has ${channels} channel${channels > 1 ? 's' : ''}.`,
    fix: `Give one ${what} per channel (or a single value for all).`,
  });
}

/** The decoded pixels as they are, after the same size check resizeBilinear makes. */
function checkedPixels(image: DecodedImage): Uint8Array {
  if (image.width * image.height > MAX_PIXELS) {
    throw new ModelDockError({ code: 'image-too-large', title: 'The image is too large', message: `${image.width}x${image.height} is beyond ${MAX_PIXELS / 1e6} megapixels.`, fix: 'Use a smaller image.' });
  }
  return image.rgba;
}

/**
 * Bilinear resampling on pixel centres. center-crop scales so the image covers the target, then takes the middle.
 * Returns RGBA at the target size (float, not rounded, so normalisation sees the interpolated value).
 */
export function resizeBilinear(image: DecodedImage, width: number, height: number, mode: 'stretch' | 'center-crop'): Float32Array {
  if (image.width * image.height > MAX_PIXELS || width * height > MAX_PIXELS) {
    throw new ModelDockError({ code: 'image-too-large', title: 'The image is too large', message: `${image.width}x${image.height} -> ${width}x${height} is beyond ${MAX_PIXELS / 1e6} megapixels.`, fix: 'Use a smaller image.' });
  }
  let cropX = 0;
  let cropY = 0;
  let cropW = image.width;
  let cropH = image.height;
  if (mode === 'center-crop') {
    const scale = Math.max(width / image.width, height / image.height);
    cropW = width / scale;
    cropH = height / scale;
    cropX = (image.width - cropW) / 2;
    cropY = (image.height - cropH) / 2;
  }
  const sx = cropW / width;
  const sy = cropH / height;
  const out = new Float32Array(width * height * 4);
  const src = image.rgba;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max(cropY + (y + 0.5) * sy - 0.5, 0), maxY);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, maxY);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max(cropX + (x + 0.5) * sx - 0.5, 0), maxX);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, maxX);
      const wx = fx - x0;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const a = src[(y0 * image.width + x0) * 4 + ch];
        const b = src[(y0 * image.width + x1) * 4 + ch];
        const c = src[(y1 * image.width + x0) * 4 + ch];
        const d = src[(y1 * image.width + x1) * 4 + ch];
        out[o + ch] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
      }
    }
  }
  return out;
}
