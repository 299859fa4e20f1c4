import * as fs from 'node:fs';
import { ModelDockError } from '../../../shared/errors';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './buffer-reader';

/**
 * Protocol Buffers wire format read straight from a file through a small buffered window. Payloads are only read
 * when a caller asks for them; everything else (TensorProto.raw_data, big strings) is skipped by moving the
 * position, so a multi-gigabyte model costs a few window refills, not its size in memory.
 *
 * Offsets are plain numbers: exact up to 2^53 bytes, far beyond any file. Reads are synchronous on purpose: a
 * recursive descent over millions of small fields with a Promise per varint would be many times slower, and each
 * read touches at most one window (1 MiB by default).
 */
export interface FileField {
  number: number;
  wireType: number;
  /** Varint value (bigint beyond 2^53); for LEN the payload length. */
  value: number | bigint;
  /** Where the field's key starts (for byte-level splicing). */
  keyStart: number;
  /** Payload range: for LEN the bytes after the length prefix. */
  start: number;
  end: number;
}

const DEFAULT_WINDOW = 1 << 20;

export class ProtobufFileReader {
  /** Absolute position of the next byte to read. */
  pos = 0;
  private window: Buffer;
  private windowStart = 0;
  private windowLength = 0;

  private constructor(private readonly fd: number, readonly size: number, windowSize: number) {
    this.window = Buffer.allocUnsafe(windowSize);
  }

  static open(filePath: string, windowSize = DEFAULT_WINDOW): ProtobufFileReader {
    const fd = fs.openSync(filePath, 'r');
    try {
      return new ProtobufFileReader(fd, fs.fstatSync(fd).size, windowSize);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  seek(position: number): void {
    if (position > this.size) throw protobufTruncated(this.size, position);
    this.pos = position;
  }

  private byteAt(position: number): number {
    if (position < this.windowStart || position >= this.windowStart + this.windowLength) this.fill(position);
    return this.window[position - this.windowStart];
  }

  private fill(position: number): void {
    if (position >= this.size) throw protobufTruncated(this.size, position + 1);
    this.windowStart = position;
    this.windowLength = fs.readSync(this.fd, this.window, 0, Math.min(this.window.length, this.size - position), position);
    if (this.windowLength <= 0) throw protobufTruncated(this.size, position + 1);
  }

  varint(limit = this.size): number | bigint {
    // Fast path: up to 7 bytes fit a double exactly (49 bits).
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= limit) throw protobufTruncated(this.size, this.pos + 1);
      const byte = this.byteAt(this.pos++);
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (this.pos >= limit) throw protobufTruncated(this.size, this.pos + 1);
      const byte = this.byteAt(this.pos++);
      big |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      shift += 7n;
    }
    throw protobufMalformed('a varint longer than 10 bytes');
  }

  /** Reads the next field's key and header; for LEN fields the position is left at the payload's start. */
  next(limit = this.size): FileField {
    const keyStart = this.pos;
    const key = Number(this.varint(limit));
    const number = Math.floor(key / 8);
    const wireType = key & 7;
    if (number === 0) throw protobufMalformed('field number 0');
    const start = this.pos;
    switch (wireType) {
      case WIRE_VARINT: {
        const value = this.varint(limit);
        return { number, wireType, value, keyStart, start, end: this.pos };
      }
      case WIRE_I64:
        return this.fixed(number, wireType, keyStart, 8, limit);
      case WIRE_I32:
        return this.fixed(number, wireType, keyStart, 4, limit);
      case WIRE_LEN: {
        const length = this.varint(limit);
        if (typeof length === 'bigint') throw protobufMalformed('a length beyond 2^53 bytes');
        const payloadStart = this.pos;
        const end = payloadStart + length;
        if (end > limit) throw end > this.size ? protobufTruncated(this.size, end) : protobufMalformed('a field longer than the message holding it');
        return { number, wireType, value: length, keyStart, start: payloadStart, end };
      }
      default:
        throw protobufMalformed(`wire type ${wireType}`);
    }
  }

  private fixed(number: number, wireType: number, keyStart: number, width: number, limit: number): FileField {
    const start = this.pos;
    const end = start + width;
    if (end > limit) throw protobufTruncated(this.size, end);
    this.pos = end;
    return { number, wireType, value: 0, keyStart, start, end };
  }

  /**
   * Calls `visit` for every field in [pos, end). Whatever the visitor does not consume is skipped, so ignoring a
   * field (a tensor's raw_data) costs nothing.
   */
  fields(end: number, visit: (field: FileField) => void): void {
    while (this.pos < end) {
      const field = this.next(end);
      visit(field);
      this.pos = field.end;
    }
    if (this.pos !== end) throw protobufMalformed('a message whose fields overrun its length');
  }

  /** Visits a LEN field as an embedded message. */
  message(field: FileField, visit: (field: FileField) => void): void {
    this.pos = field.start;
    this.fields(field.end, visit);
  }

  /** Copies a payload out; refuses anything larger than `maxBytes` so a stray huge field cannot flood memory. */
  bytes(field: FileField, maxBytes = 64 << 20): Buffer {
    const length = field.end - field.start;
    if (length > maxBytes) throw protobufMalformed(`a ${length}-byte value where a short one was expected`);
    return this.readAt(field.start, length);
  }

  string(field: FileField, maxBytes?: number): string {
    return this.bytes(field, maxBytes).toString('utf8');
  }

  readAt(position: number, length: number): Buffer {
    if (position + length > this.size) throw protobufTruncated(this.size, position + length);
    if (position >= this.windowStart && position + length <= this.windowStart + this.windowLength) {
      const offset = position - this.windowStart;
      return Buffer.from(this.window.subarray(offset, offset + length));
    }
    if (length <= this.window.length) {
      this.fill(position);
      return Buffer.from(this.window.subarray(0, length));
    }
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, out, done, length - done, position + done);
      if (n <= 0) throw protobufTruncated(this.size, position + length);
      done += n;
    }
    return out;
  }

  /** Reads a packed or single varint field's values (repeated int64 may be either on the wire). */
  varints(field: FileField): Array<number | bigint> {
    if (field.wireType === WIRE_VARINT) return [field.value];
    if (field.wireType !== WIRE_LEN) return [];
    const out: Array<number | bigint> = [];
    this.pos = field.start;
    while (this.pos < field.end) out.push(this.varint(field.end));
    return out;
  }
}

/** Thrown when the data stops before a field it announced ends: the file was cut short. */
export function protobufTruncated(size: number, needed: number): ModelDockError {
  return new ModelDockError({
    code: 'protobuf-truncated',
    title: 'The file ends too early',
    message: `The protobuf data stops in the middle of a field: the file has ${size} bytes but a field needs at least ${needed}.`,
    fix: 'Copy or export the file again; check that the download or save finished.',
  });
}

export function protobufMalformed(what: string): ModelDockError {
  return new ModelDockError({
    code: 'protobuf-malformed',
    title: 'The file is not valid protobuf',
    message: `The data has ${what}, which protobuf does not allow: the file is damaged or not a model.`,
    fix: 'Export the model again from its framework.',
  });
}

export function isProtobufDecodeError(error: unknown): error is ModelDockError {
  return error instanceof ModelDockError && (error.code === 'protobuf-truncated' || error.code === 'protobuf-malformed');
}
