import { formatMegapixels } from '../inference/image-input';

/**
 * How large an image the serving runtime may decode within a memory limit: used by the runtime at start (with its
 * container's cgroup limit) and by the Kubernetes checks (with the Deployment's limit). Decoding is the one step whose
 * memory a request chooses: measured here, jpeg-js peaks at ~35 bytes per pixel (a 12-megapixel phone photo: +404 MB)
 * and pngjs at ~10. JPEGs usually go through libjpeg in WebAssembly (jpeg-wasm.ts), which needs far less, but a file
 * it refuses goes to jpeg-js, and a client chooses which kind of file it sends: the budget assumes jpeg-js. A container killed for memory loses every request in flight and, with a client that retries,
 * crash-loops; a photo refused with 413 loses nothing. So the image limit is lowered to what fits.
 */
export const DECODE_BYTES_PER_PIXEL = 36;
/** Room kept free beside the decodes and the buffered bodies: heap growth, sockets, ONNX Runtime's own scratch. */
export const IMAGE_HEADROOM = 0.1;

/**
 * Half the CPUs, 1 to 4: decoding competes with ONNX Runtime for the same cores, and one thread already keeps up
 * with a 5 ms CNN on camera-size JPEGs (a 224x224 JPEG decodes and preprocesses in under 1 ms).
 */
export function imageThreadCount(cpus: number): number {
  return Math.max(1, Math.min(4, Math.floor(cpus / 2)));
}

export interface ImagePixelBudget {
  /** The largest image, in pixels, that will be decoded. */
  maxPixels: number;
  /** Set when the configured limit was lowered to fit the memory limit: the sentence to log. */
  lowered: string | null;
}

export interface ImageBudgetInputs {
  configuredPixels: number;
  limitBytes: number | null;
  /** Resident memory once the model is loaded and warmed up. */
  rssBytes: number;
  /** Request bodies the server may hold at once (maxBufferedMB). */
  bufferedBytes: number;
  imageThreads: number;
}

export function imagePixelBudget(input: ImageBudgetInputs): ImagePixelBudget {
  const { configuredPixels, limitBytes } = input;
  if (limitBytes === null) return { maxPixels: configuredPixels, lowered: null };
  const free = limitBytes * (1 - IMAGE_HEADROOM) - input.rssBytes - input.bufferedBytes;
  const fits = Math.max(0, Math.floor(free / (DECODE_BYTES_PER_PIXEL * Math.max(1, input.imageThreads))));
  if (fits >= configuredPixels) return { maxPixels: configuredPixels, lowered: null };
  const mb = (b: number) => Math.round(b / 1048576);
  return {
    maxPixels: fits,
    lowered: `Images are limited to ${formatMegapixels(fits)} megapixels, not ${formatMegapixels(configuredPixels)}: the container may use ${mb(limitBytes)} MB, `
      + `${mb(input.rssBytes)} MB are in use with the model loaded, ${mb(input.bufferedBytes)} MB are kept for request bodies, and decoding `
      + `takes about ${DECODE_BYTES_PER_PIXEL} bytes per pixel on each of ${input.imageThreads} image thread(s). A larger image gets 413 instead `
      + `of the container being killed for memory. To accept larger images, raise the memory limit (or lower MODELDOCK_MAX_BUFFERED_MB).`,
  };
}
