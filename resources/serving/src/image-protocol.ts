import type { HostTensor } from '../../../main/inference/host-tensor';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import type { ImagePreprocess } from '../../../shared/schemas/spec';

/** Messages between the server thread and an image thread (image-thread.ts), which decodes one image at a time. */
export interface ToImageThread {
  /** The encoded image, in an ArrayBuffer of its own (it is transferred, not copied). */
  bytes: Uint8Array;
  /** How error messages name the image ("The image", "photo.jpg"). */
  label: string;
  input: IoMeta;
  settings: ImagePreprocess | undefined;
  /** Images whose header declares more pixels are refused before decoding. */
  maxPixels: number;
}

export type FromImageThread =
  | { tensor: HostTensor }
  /** The client's mistake (not an image, cannot be decoded, too large): the HTTP status and sentence to answer. */
  | { status: number; message: string }
  /** Anything else: a server fault. */
  | { fault: string };
