import { ModelDockError } from '../../../shared/errors';

/**
 * Protocol Buffers wire format over an in-memory buffer, for small messages (TensorProto files, single nodes).
 * Large files go through the streaming reader instead, which never holds tensor bytes.
 */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface Field {
  number: number;
  wireType: number;
  /** For varints: the value (as bigint when it exceeds 2^53). For LEN: byte range in the buffer. */
  value: number | bigint;
  start: number;
  end: number;
}

export class BufferReader {
  pos: number;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number | bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw truncated();
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        return result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
      }
      shift += 7n;
    }
    throw malformed('a varint longer than 10 bytes');
  }

  /** Reads the next field's key and payload position; LEN payloads are not copied. */
  next(): Field {
    const key = Number(this.varint());
    const number = key >>> 3;
    const wireType = key & 7;
    if (number === 0) throw malformed('field number 0');
    const start = this.pos;
    switch (wireType) {
      case WIRE_VARINT: {
        const value = this.varint();
        return { number, wireType, value, start, end: this.pos };
      }
      case WIRE_I64:
        this.skip(8);
        return { number, wireType, value: 0, start, end: this.pos };
      case WIRE_I32:
        this.skip(4);
        return { number, wireType, value: 0, start, end: this.pos };
      case WIRE_LEN: {
        const length = Number(this.varint());
        const payloadStart = this.pos;
        this.skip(length);
        return { number, wireType, value: length, start: payloadStart, end: this.pos };
      }
      default:
        throw malformed(`wire type ${wireType}`);
    }
  }

  private skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw truncated();
    this.pos += n;
  }
}

export function fieldString(buf: Uint8Array, field: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + field.start, field.end - field.start).toString('utf8');
}

export function fieldBytes(buf: Uint8Array, field: Field): Uint8Array {
  return buf.subarray(field.start, field.end);
}

/** A signed int64 varint as a JS number or bigint (two's complement for negatives). */
export function toSigned(value: number | bigint): number | bigint {
  const big = BigInt(value);
  const signed = big >= 1n << 63n ? big - (1n << 64n) : big;
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
}

/** Reads a packed repeated varint field's payload. */
export function packedVarints(buf: Uint8Array, field: Field): Array<number | bigint> {
  const reader = new BufferReader(buf, field.start, field.end);
  const out: Array<number | bigint> = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

function truncated(): ModelDockError {
  return new ModelDockError({
    code: 'protobuf-truncated',
    title: 'The file ends too early',
    message: 'The protobuf data stops in the middle of a field: the file is truncated or not protobuf.',
    fix: 'Copy or export the file again; check that the download or save finished.',
  });
}

function malformed(what: string): ModelDockError {
  return new ModelDockError({
    code: 'protobuf-malformed',
    title: 'The file is not valid protobuf',
    message: `The data has ${what}, which protobuf does not allow: the file is damaged or not a model.`,
    fix: 'Export the model again from its framework.',
  });
}
