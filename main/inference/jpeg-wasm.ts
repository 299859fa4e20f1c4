import * as fs from 'node:fs';
import * as path from 'node:path';
import createDecoderModule from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';

/**
 * JPEG decoding with libjpeg-turbo (mozjpeg's build) compiled to WebAssembly: 6-7x faster than jpeg-js on a
 * 224x224 photo, and the same pixels on every platform the app and its images run on (amd64, arm64, Electron),
 * which a native decoder could not promise. jpeg-js stays as the fallback for what this one refuses.
 */

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface DecoderModule {
  decode(bytes: Uint8Array, applyExifOrientation: boolean): { width: number; height: number; data: Uint8ClampedArray } | null;
  HEAP8: Int8Array;
}

/**
 * WebAssembly memory only grows: after a large photo the instance would keep its peak size for the life of the
 * process. Past this, the instance is dropped and the next decode makes a fresh one (about 2 ms).
 */
const KEEP_MEMORY_BYTES = 64 * 1024 * 1024;

/** Next to the bundled runtime (resources/serving copies it there), else in node_modules. */
const WASM_FILE = 'mozjpeg_dec.wasm';

let compiled: object | null | undefined;
let instance: DecoderModule | null = null;
/** The last message libjpeg gave during a decode ("Premature end of JPEG file", "Corrupt JPEG data: ..."). */
let warning: string | null = null;

function ignore(): void {}

function wasmPath(): string | null {
  const beside = path.join(__dirname, WASM_FILE);
  if (fs.existsSync(beside)) return beside;
  try {
    return require.resolve(`@jsquash/jpeg/codec/dec/${WASM_FILE}`);
  } catch {
    return null;
  }
}

function compile(): object | null {
  if (compiled === undefined) {
    const file = wasmPath();
    try {
      // Node compiles synchronously at any size (browsers cap this on their main thread), so decoding stays a plain call.
      compiled = file ? new wasm.Module(fs.readFileSync(file)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function decoder(): DecoderModule | null {
  if (instance) return instance;
  const module = compile();
  if (!module) return null;
  // The factory fills in the object it is given; with a synchronous instantiateWasm that happens before it returns.
  const target: Partial<DecoderModule> & Record<string, unknown> = {
    noInitialRun: true,
    // libjpeg's messages would go to stderr, between the server's JSON log lines; here they mark the file as doubtful.
    print: ignore,
    printErr: (message: string) => {
      warning = message;
    },
    instantiateWasm: (imports: object, done: (made: { exports: object }) => void) => {
      const made = new wasm.Instance(module, imports);
      done(made);
      return made.exports;
    },
  };
  void (createDecoderModule as (options: object) => Promise<unknown>)(target).catch(() => undefined);
  instance = typeof target.decode === 'function' ? (target as DecoderModule) : null;
  return instance;
}

export type JpegDecode =
  | { image: { width: number; height: number; rgba: Uint8Array }; problem?: undefined }
  /** `problem`: libjpeg's own words for what is wrong with the file, when it gave any. */
  | { image: null; problem: string | null };

/**
 * RGBA pixels as stored (EXIF orientation is not applied here); no image when this decoder is unavailable, refuses
 * the file (CMYK, a corrupt stream) or only got through it with a warning. The caller then tries jpeg-js. libjpeg
 * decodes a cut-off upload with grey where the rest was, and a model would answer for that grey; jpeg-js refuses it,
 * as the runtime did before this decoder came in.
 */
export function decodeJpegWasm(bytes: Uint8Array): JpegDecode {
  const module = decoder();
  if (!module) return { image: null, problem: null };
  warning = null;
  try {
    // true would turn the pixels by the file's EXIF Orientation; the caller does that when the input's settings ask.
    const image = module.decode(bytes, false);
    if (!image || warning !== null) return { image: null, problem: warning };
    return { image: { width: image.width, height: image.height, rgba: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) } };
  } catch {
    // A libjpeg error aborts the WebAssembly instance: it cannot be used again.
    instance = null;
    return { image: null, problem: warning };
  } finally {
    if (instance && instance.HEAP8.buffer.byteLength > KEEP_MEMORY_BYTES) instance = null;
  }
}

/** The decoder's WebAssembly memory in bytes, 0 when no instance is alive (for tests of the memory cap). */
export function jpegDecoderMemoryBytes(): number {
  return instance ? instance.HEAP8.buffer.byteLength : 0;
}
