import { jpegSegments } from './jpeg-segments';

/**
 * Phone cameras store a photo as the sensor saw it and record how to hold it in the EXIF Orientation tag (0x0112):
 * a portrait photo is often a landscape picture with "rotate 90° clockwise to view". Browsers and photo apps
 * honour the tag; PIL's Image.open, Keras' load_img and torchvision's decode_image do not, unless the training code
 * asked (ImageOps.exif_transpose). So a model sees the photo as stored unless its spec says `orientation: exif`.
 */

/** The Orientation tag's value, 1 (as stored) to 8; 1 when the file has none or it cannot be read. */
export function exifOrientation(bytes: Uint8Array): number {
  const tiff = exifBlock(bytes);
  return tiff ? orientationInTiff(bytes, tiff.start, tiff.end) : 1;
}

/** Where the TIFF structure of the EXIF data sits: a JPEG's APP1 "Exif\0\0" segment or a PNG's eXIf chunk. */
function exifBlock(b: Uint8Array): { start: number; end: number } | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8) {
    for (const { marker, at, end } of jpegSegments(b)) {
      if (marker === 0xe1 && end - at >= 10 && ascii(b, at + 4, 6) === 'Exif\0\0') return { start: at + 10, end };
    }
    return null;
  }
  if (b.length > 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') {
    let at = 8;
    while (at + 8 <= b.length) {
      const length = ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
      const type = ascii(b, at + 4, 4);
      if (type === 'eXIf') return { start: at + 8, end: Math.min(b.length, at + 8 + length) };
      if (type === 'IDAT' || type === 'IEND') return null;
      at += 12 + length;
    }
  }
  return null;
}

function orientationInTiff(b: Uint8Array, start: number, end: number): number {
  if (end - start < 8) return 1;
  const order = ascii(b, start, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const u16 = (at: number) => (little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
  const u32 = (at: number) => (little ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000 : b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]));
  if (u16(start + 2) !== 42) return 1;
  const ifd = start + u32(start + 4);
  if (ifd + 2 > end) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    // Orientation: type SHORT, count 1, the value in the first two bytes of the value field.
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  return at + length <= b.length ? String.fromCharCode(...b.subarray(at, at + length)) : '';
}

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * The picture turned upright as `orientation` says (what ImageOps.exif_transpose gives). Orientations 5-8 swap
 * width and height. For each output pixel, `source` names the stored pixel it comes from.
 */
export function applyOrientation<T extends RgbaImage>(image: T, orientation: number): T {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h } = image;
  const swaps = orientation >= 5;
  const outW = swaps ? h : w;
  const outH = swaps ? w : h;
  const source: (x: number, y: number) => number = {
    2: (x: number, y: number) => y * w + (w - 1 - x), // mirrored left-right
    3: (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x), // upside down
    4: (x: number, y: number) => (h - 1 - y) * w + x, // mirrored top-bottom
    5: (x: number, y: number) => x * w + y, // transposed
    6: (x: number, y: number) => (h - 1 - x) * w + y, // stored rotated 90° anticlockwise: turn clockwise
    7: (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y), // transversed
    8: (x: number, y: number) => x * w + (w - 1 - y), // stored rotated 90° clockwise: turn anticlockwise
  }[orientation]!;
  // Whole pixels move as one 32-bit word when the bytes allow it (a Buffer from a pool may start anywhere).
  const src32 = image.rgba.byteOffset % 4 === 0 ? new Uint32Array(image.rgba.buffer, image.rgba.byteOffset, w * h) : null;
  const out = new Uint8Array(outW * outH * 4);
  const out32 = new Uint32Array(out.buffer);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const from = source(x, y);
      if (src32) out32[y * outW + x] = src32[from];
      else out.set(image.rgba.subarray(from * 4, from * 4 + 4), (y * outW + x) * 4);
    }
  }
  return { ...image, width: outW, height: outH, rgba: out };
}

const TURNS: Record<number, string> = {
  2: 'mirrored left to right', 3: 'upside down', 4: 'mirrored top to bottom', 5: 'turned and mirrored',
  6: 'turned 90° anticlockwise', 7: 'turned and mirrored', 8: 'turned 90° clockwise',
};

/**
 * A photo whose EXIF tag says it is stored turned, fed as stored: the person sees it upright (browsers and photo
 * apps apply the tag), the model does not. Whether that is right depends on the training code, so it is said, not fixed.
 */
export function orientationNote(file: string, input: string, orientation: number, setting: 'as-stored' | 'exif'): string | null {
  if (orientation <= 1 || orientation > 8 || setting === 'exif') return null;
  return `${file} is stored ${TURNS[orientation]} (EXIF orientation ${orientation}); photo viewers show it upright, but the model was given it as stored, as PIL's Image.open and Keras' load_img read it. If your training code turned photos upright (ImageOps.exif_transpose), set orientation: exif under inputs.${input} in modeldock.yaml.`;
}
