/** One marker segment of a JPEG file: its marker, where it starts (the 0xFF), and where it ends. */
export interface JpegSegment {
  marker: number;
  at: number;
  end: number;
}

/**
 * The marker segments of a JPEG (starting FF D8) up to its image data, for readers of header fields (frame size,
 * EXIF). Fill bytes and markers without a length are stepped over; the walk stops at the scan (DA) or the end of
 * the image (D9), at anything that is not a marker, at a length too short to be one, or at the end of the bytes.
 */
export function* jpegSegments(b: Uint8Array): Generator<JpegSegment> {
  let at = 2;
  while (at + 3 < b.length) {
    if (b[at] !== 0xff) return;
    const marker = b[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { at += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return;
    const length = (b[at + 2] << 8) | b[at + 3];
    if (length < 2) return;
    const end = Math.min(b.length, at + 2 + length);
    yield { marker, at, end };
    at += 2 + length;
  }
}
