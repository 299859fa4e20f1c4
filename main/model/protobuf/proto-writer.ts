/**
 * Protocol Buffers wire-format encoder: appends fields to a growing list of chunks. Nested messages are encoded
 * first and then prefixed with their length, which keeps the encoder free of two-pass size computations.
 */
export class ProtoWriter {
  private chunks: Buffer[] = [];
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  raw(bytes: Uint8Array): this {
    this.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return this;
  }

  varintField(field: number, value: number | bigint): this {
    this.push(encodeKey(field, 0));
    this.push(encodeVarint(value));
    return this;
  }

  /** A field that proto3 would omit at its default value. */
  optionalVarint(field: number, value: number | bigint | undefined): this {
    if (value !== undefined && value !== 0 && value !== 0n) this.varintField(field, value);
    return this;
  }

  floatField(field: number, value: number): this {
    const buf = Buffer.allocUnsafe(4);
    buf.writeFloatLE(value, 0);
    this.push(encodeKey(field, 5));
    this.push(buf);
    return this;
  }

  bytesField(field: number, bytes: Uint8Array): this {
    this.push(encodeKey(field, 2));
    this.push(encodeVarint(bytes.byteLength));
    this.raw(bytes);
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, Buffer.from(value, 'utf8'));
  }

  optionalString(field: number, value: string | undefined): this {
    if (value) this.stringField(field, value);
    return this;
  }

  messageField(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  packedVarints(field: number, values: ReadonlyArray<number | bigint>): this {
    if (values.length === 0) return this;
    const inner = Buffer.concat(values.map((v) => encodeVarint(v)));
    return this.bytesField(field, inner);
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const buf = Buffer.allocUnsafe(values.length * 4);
    for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i], i * 4);
    return this.bytesField(field, buf);
  }

  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const buf = Buffer.allocUnsafe(values.length * 8);
    for (let i = 0; i < values.length; i++) buf.writeDoubleLE(values[i], i * 8);
    return this.bytesField(field, buf);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

export function encodeKey(field: number, wireType: number): Buffer {
  return encodeVarint(field * 8 + wireType);
}

/** Varint of a non-negative value, or of a negative int64 as its 10-byte two's complement. */
export function encodeVarint(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  if (v <= 0x7fn) return Buffer.from([Number(v)]);
  const bytes: number[] = [];
  while (v > 0x7fn) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

export function varintSize(value: number | bigint): number {
  return encodeVarint(value).length;
}
