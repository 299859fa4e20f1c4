import type { PolicyContext } from './import-policy';
import { HIGHEST_PROTOCOL, OPCODES, type Opcode } from './pickle-opcodes';
import { decodeEscapedString, decodeRawUnicodeEscape, parseDecimalInt, parsePythonFloat } from './pickle-text';
import { joblibArrayLayout, JOBLIB_WRAPPERS } from './joblib-arrays';
import { ScanCollector } from './scan-collector';
import { describe, pushItem, type Value } from './pickle-values';

/**
 * Walks a pickle opcode by opcode the way Python's unpickler would, with a symbolic stack and memo, and never
 * calls, imports or builds anything. Imports are resolved through the memo (PUT/GET/MEMOIZE) so a module name
 * stored once and fetched later is still seen; a module or name that is not a constant string is reported as
 * unresolved. Anything the unpickler would reject (unknown opcode, underflow, truncation) stops the walk and is
 * a finding: the file is then not clean.
 */
export interface PickleScanOptions {
  /** Zip member or stream name for the report; null for the file itself. */
  member: string | null;
  collector: ScanCollector;
  context: PolicyContext;
  /** joblib: raw array bytes follow each NumpyArrayWrapper in the stream. */
  joblibArrays?: boolean;
}

export interface PickleScanResult {
  /** The stream reached STOP without an error. */
  ok: boolean;
  /** Offset just after STOP (or where the walk stopped). */
  end: number;
  /** The value STOP returned, symbolically (null when the walk failed). */
  value: Value | null;
  /** The highest PROTO seen; 0/1 when there was none. */
  protocol: number;
}

class PickleError extends Error {
  constructor(message: string, readonly offset: number, readonly truncated = false) {
    super(message);
  }
}

export function scanPickle(buf: Buffer, start: number, options: PickleScanOptions): PickleScanResult {
  const walker = new PickleWalker(buf, start, options);
  try {
    const value = walker.run();
    return { ok: true, end: walker.pos, value, protocol: walker.protocol };
  } catch (error) {
    if (!(error instanceof PickleError)) throw error;
    options.collector.addFinding({
      verdict: 'unverified',
      title: error.truncated ? 'The pickle stream is cut short' : 'The pickle stream is malformed',
      detail: `${error.message} The scan stopped here, so anything after this point was not checked; Python's unpickler would also fail or behave unpredictably.`,
      where: { member: options.member, offset: error.offset },
    });
    return { ok: false, end: walker.pos, value: null, protocol: walker.protocol };
  }
}

class PickleWalker {
  pos: number;
  protocol = 0;
  stack: Value[] = [];
  marks: number[] = [];
  readonly memo = new Map<number, Value>();
  private frameEnd = -1;
  private opStart = 0;

  constructor(private readonly buf: Buffer, start: number, private readonly options: PickleScanOptions) {
    this.pos = start;
  }

  run(): Value {
    for (;;) {
      this.opStart = this.pos;
      if (this.pos >= this.buf.length) throw new PickleError('The stream ends before its STOP opcode.', this.pos, true);
      const code = this.buf[this.pos++];
      const op = OPCODES.get(code);
      if (!op) {
        throw new PickleError(`Unknown opcode 0x${code.toString(16).padStart(2, '0')} at byte ${this.opStart}; no pickle protocol (0 to ${HIGHEST_PROTOCOL}) defines it.`, this.opStart);
      }
      const result = this.step(op);
      if (result) return result.value;
    }
  }

  private where() {
    return { member: this.options.member, offset: this.opStart };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reading arguments

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new PickleError(`An opcode at byte ${this.opStart} needs ${n} more bytes, but the stream ends after ${this.buf.length - this.pos}.`, this.opStart, true);
    }
  }

  private bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleError(`A text argument at byte ${this.opStart} has no end of line.`, this.opStart, true);
    const text = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return text;
  }

  private length(kind: 'u1' | 'i4' | 'u4' | 'u8'): number {
    const b = this.bytes(kind === 'u1' ? 1 : kind === 'u8' ? 8 : 4);
    let n: number;
    if (kind === 'u1') n = b[0];
    else if (kind === 'i4') n = b.readInt32LE(0);
    else if (kind === 'u4') n = b.readUInt32LE(0);
    else {
      const big = b.readBigUInt64LE(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`A length of ${big} bytes at byte ${this.opStart} is impossible.`, this.opStart);
      n = Number(big);
    }
    if (n < 0) throw new PickleError(`A negative length (${n}) at byte ${this.opStart}.`, this.opStart);
    return n;
  }

  private lengthPrefixed(kind: 'u1' | 'i4' | 'u4' | 'u8'): Buffer {
    return this.bytes(this.length(kind));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Stack

  private push(value: Value): void {
    this.stack.push(value);
  }

  private pop(): Value {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) throw new PickleError(`Stack underflow at byte ${this.opStart}: an opcode needs a value that is not there.`, this.opStart);
    return this.stack.pop() as Value;
  }

  private top(): Value {
    const floor = this.marks.length ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= floor) throw new PickleError(`Stack underflow at byte ${this.opStart}: an opcode needs a value that is not there.`, this.opStart);
    return this.stack[this.stack.length - 1];
  }

  private popMark(): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new PickleError(`An opcode at byte ${this.opStart} needs a MARK that is not there.`, this.opStart);
    return this.stack.splice(mark);
  }

  private memoGet(index: number): Value {
    const value = this.memo.get(index);
    if (!value) throw new PickleError(`Memo entry ${index} is read at byte ${this.opStart} but was never stored.`, this.opStart);
    return value;
  }

  private memoPut(index: number): void {
    if (index < 0) throw new PickleError(`Negative memo index at byte ${this.opStart}.`, this.opStart);
    this.memo.set(index, this.top());
  }

  // -------------------------------------------------------------------------------------------------------------
  // Opcodes

  private step(op: Opcode): { value: Value } | null {
    switch (op.name) {
      case 'PROTO': {
        const version = this.bytes(1)[0];
        if (version > HIGHEST_PROTOCOL) throw new PickleError(`Unsupported pickle protocol ${version} at byte ${this.opStart}.`, this.opStart);
        this.protocol = Math.max(this.protocol, version);
        return null;
      }
      case 'FRAME': {
        const size = this.length('u8');
        this.need(size);
        this.frameEnd = this.pos + size;
        return null;
      }
      case 'STOP':
        return { value: this.pop() };

      case 'MARK': this.marks.push(this.stack.length); return null;
      case 'POP':
        if (this.stack.length > (this.marks.length ? this.marks[this.marks.length - 1] : 0)) this.stack.pop();
        else this.popMark();
        return null;
      case 'POP_MARK': this.popMark(); return null;
      case 'DUP': this.push(this.top()); return null;

      case 'NONE': this.push({ t: 'none' }); return null;
      case 'NEWTRUE': this.push({ t: 'bool', v: true }); return null;
      case 'NEWFALSE': this.push({ t: 'bool', v: false }); return null;
      case 'INT': {
        const text = this.line();
        if (text === '00' || text === '01') this.push({ t: 'bool', v: text === '01' });
        else this.push({ t: 'int', v: this.decimal(text) });
        return null;
      }
      case 'LONG': this.push({ t: 'int', v: this.decimal(this.line().replace(/L$/, '')) }); return null;
      case 'BININT': this.push({ t: 'int', v: BigInt(this.bytes(4).readInt32LE(0)) }); return null;
      case 'BININT1': this.push({ t: 'int', v: BigInt(this.bytes(1)[0]) }); return null;
      case 'BININT2': this.push({ t: 'int', v: BigInt(this.bytes(2).readUInt16LE(0)) }); return null;
      case 'LONG1': this.push({ t: 'int', v: littleEndianSigned(this.lengthPrefixed('u1')) }); return null;
      case 'LONG4': this.push({ t: 'int', v: littleEndianSigned(this.lengthPrefixed('i4')) }); return null;
      case 'FLOAT':
        if (!parsePythonFloat(this.line())) throw new PickleError(`A FLOAT at byte ${this.opStart} is not a number.`, this.opStart);
        this.push({ t: 'float' });
        return null;
      case 'BINFLOAT': this.bytes(8); this.push({ t: 'float' }); return null;

      case 'STRING': {
        const text = this.line();
        const quote = text[0];
        if (text.length < 2 || text[text.length - 1] !== quote || (quote !== '"' && quote !== "'")) {
          throw new PickleError(`A STRING at byte ${this.opStart} is not quoted.`, this.opStart);
        }
        const decoded = decodeEscapedString(text.slice(1, -1));
        if (decoded === null) throw new PickleError(`A STRING at byte ${this.opStart} has an invalid escape.`, this.opStart);
        this.push({ t: 'str', v: decoded });
        return null;
      }
      case 'BINSTRING': this.push({ t: 'str', v: this.lengthPrefixed('i4').toString('latin1') }); return null;
      case 'SHORT_BINSTRING': this.push({ t: 'str', v: this.lengthPrefixed('u1').toString('latin1') }); return null;
      case 'UNICODE': this.push({ t: 'str', v: decodeRawUnicodeEscape(this.line()) }); return null;
      case 'BINUNICODE': this.push({ t: 'str', v: this.lengthPrefixed('u4').toString('utf8') }); return null;
      case 'SHORT_BINUNICODE': this.push({ t: 'str', v: this.lengthPrefixed('u1').toString('utf8') }); return null;
      case 'BINUNICODE8': this.push({ t: 'str', v: this.lengthPrefixed('u8').toString('utf8') }); return null;
      case 'BINBYTES': this.push({ t: 'bytes', length: this.lengthPrefixed('u4').length }); return null;
      case 'SHORT_BINBYTES': this.push({ t: 'bytes', length: this.lengthPrefixed('u1').length }); return null;
      case 'BINBYTES8':
      case 'BYTEARRAY8': this.push({ t: 'bytes', length: this.lengthPrefixed('u8').length }); return null;
      case 'NEXT_BUFFER': this.push({ t: 'buffer' }); return null;
      case 'READONLY_BUFFER': this.top(); return null;

      case 'EMPTY_TUPLE': this.push({ t: 'tuple', items: [], more: 0 }); return null;
      case 'TUPLE1': case 'TUPLE2': case 'TUPLE3': {
        const n = op.name === 'TUPLE1' ? 1 : op.name === 'TUPLE2' ? 2 : 3;
        const items: Value[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop());
        this.push({ t: 'tuple', items, more: 0 });
        return null;
      }
      case 'TUPLE': this.push(sequence('tuple', this.popMark())); return null;
      case 'EMPTY_LIST': this.push({ t: 'list', items: [], more: 0 }); return null;
      case 'LIST': this.push(sequence('list', this.popMark())); return null;
      case 'EMPTY_DICT': this.push({ t: 'dict', entries: [], more: 0 }); return null;
      case 'DICT': {
        const items = this.popMark();
        if (items.length % 2) throw new PickleError(`DICT at byte ${this.opStart} has an odd number of items.`, this.opStart);
        const dict: Value = { t: 'dict', entries: [], more: 0 };
        for (let i = 0; i < items.length; i += 2) pushItem(dict, [items[i], items[i + 1]] as [Value, Value]);
        this.push(dict);
        return null;
      }
      case 'EMPTY_SET': this.push({ t: 'set', items: [], more: 0 }); return null;
      case 'FROZENSET': this.push(sequence('set', this.popMark())); return null;
      case 'APPEND': {
        const value = this.pop();
        this.addTo(this.top(), [value]);
        return null;
      }
      case 'APPENDS': case 'ADDITEMS': {
        const items = this.popMark();
        this.addTo(this.top(), items);
        return null;
      }
      case 'SETITEM': {
        const value = this.pop();
        const key = this.pop();
        this.setItems(this.top(), [key, value]);
        return null;
      }
      case 'SETITEMS': {
        const items = this.popMark();
        if (items.length % 2) throw new PickleError(`SETITEMS at byte ${this.opStart} has an odd number of items.`, this.opStart);
        this.setItems(this.top(), items);
        return null;
      }

      case 'PUT': this.memoPut(Number(this.decimal(this.line()))); return null;
      case 'BINPUT': this.memoPut(this.bytes(1)[0]); return null;
      case 'LONG_BINPUT': this.memoPut(this.bytes(4).readUInt32LE(0)); return null;
      case 'MEMOIZE': this.memoPut(this.memo.size); return null;
      case 'GET': this.push(this.memoGet(Number(this.decimal(this.line())))); return null;
      case 'BINGET': this.push(this.memoGet(this.bytes(1)[0])); return null;
      case 'LONG_BINGET': this.push(this.memoGet(this.bytes(4).readUInt32LE(0))); return null;

      case 'PERSID': this.line(); this.push({ t: 'persistent' }); return null;
      case 'BINPERSID': this.pop(); this.push({ t: 'persistent' }); return null;

      case 'GLOBAL': {
        const module = this.lineUtf8();
        const name = this.lineUtf8();
        this.push(this.importGlobal(module, name));
        return null;
      }
      case 'STACK_GLOBAL': {
        const name = this.pop();
        const module = this.pop();
        if (module.t === 'str' && name.t === 'str') {
          this.push(this.importGlobal(module.v, name.v));
        } else {
          const why = `STACK_GLOBAL with module ${describe(module)} and name ${describe(name)}`;
          this.options.collector.addUnresolvedImport(why, this.where());
          this.push({ t: 'unresolved', why });
        }
        return null;
      }
      case 'EXT1': case 'EXT2': case 'EXT4': {
        const code = op.name === 'EXT1' ? this.bytes(1)[0] : op.name === 'EXT2' ? this.bytes(2).readUInt16LE(0) : this.bytes(4).readInt32LE(0);
        const why = `extension code ${code} (${op.name}), looked up in a registry the file cannot show`;
        this.options.collector.addUnresolvedImport(why, this.where());
        this.push({ t: 'unresolved', why });
        return null;
      }
      case 'INST': {
        const module = this.lineUtf8();
        const name = this.lineUtf8();
        const cls = this.importGlobal(module, name);
        const args = this.popMark();
        this.call('INST', cls, sequence('tuple', args));
        return null;
      }
      case 'OBJ': {
        const items = this.popMark();
        if (items.length === 0) throw new PickleError(`OBJ at byte ${this.opStart} has no class to instantiate.`, this.opStart);
        this.call('OBJ', items[0], sequence('tuple', items.slice(1)));
        return null;
      }
      case 'REDUCE': {
        const args = this.pop();
        const callable = this.pop();
        this.call('REDUCE', callable, args);
        return null;
      }
      case 'NEWOBJ': {
        const args = this.pop();
        const cls = this.pop();
        this.call('NEWOBJ', cls, args);
        return null;
      }
      case 'NEWOBJ_EX': {
        this.pop(); // keyword arguments
        const args = this.pop();
        const cls = this.pop();
        this.call('NEWOBJ_EX', cls, args);
        return null;
      }
      case 'BUILD': {
        const state = this.pop();
        const target = this.top();
        this.build(target, state);
        return null;
      }
      default:
        throw new PickleError(`Opcode ${op.name} at byte ${this.opStart} is not handled.`, this.opStart);
    }
  }

  private decimal(text: string): bigint {
    const value = parseDecimalInt(text);
    if (value === null) throw new PickleError(`"${text.slice(0, 40)}" at byte ${this.opStart} is not an integer.`, this.opStart);
    return value;
  }

  private lineUtf8(): string {
    return Buffer.from(this.line(), 'latin1').toString('utf8');
  }

  private importGlobal(module: string, name: string): Value {
    this.options.collector.addImport(module, name, this.where(), this.options.context);
    return { t: 'global', module, name };
  }

  private call(kind: 'REDUCE' | 'NEWOBJ' | 'NEWOBJ_EX' | 'OBJ' | 'INST', callable: Value, args: Value): void {
    this.options.collector.addCall(kind, describe(callable), callable.t === 'global', this.where());
    this.push({ t: 'object', creator: callable, args, state: null });
  }

  private build(target: Value, state: Value): void {
    const collector = this.options.collector;
    if (target.t === 'global') {
      // BUILD on an imported class or function sets attributes on it: a way to patch code that other, allowed
      // imports run later.
      collector.addCall('BUILD', `${describe(target)} (the import itself, not an instance)`, false, this.where());
      collector.addFinding({
        verdict: 'unverified',
        title: 'The pickle modifies an imported class or function',
        detail: `BUILD at byte ${this.opStart} sets state directly on ${describe(target)}, which changes that code for everything that uses it afterwards. Model files never do this.`,
        where: this.where(),
      });
      return;
    }
    if (target.t === 'object') {
      collector.addCall('BUILD', describe(target.creator), target.creator.t === 'global', this.where());
      target.state = state;
      if (this.options.joblibArrays && target.creator.t === 'global' && JOBLIB_WRAPPERS.has(`${target.creator.module}.${target.creator.name}`)) {
        this.skipJoblibArray(target);
      }
      return;
    }
    collector.addCall('BUILD', describe(target), false, this.where());
  }

  /** joblib writes each array's raw bytes (or, for object arrays, a nested pickle) right after its wrapper. */
  private skipJoblibArray(wrapper: Value & { t: 'object' }): void {
    const layout = joblibArrayLayout(wrapper);
    if (typeof layout === 'string') {
      throw new PickleError(`A joblib array wrapper at byte ${this.opStart}: ${layout}, so the scan cannot find where the array ends and the pickle resumes.`, this.opStart);
    }
    if (this.frameEnd > this.pos) {
      throw new PickleError(`A joblib array at byte ${this.opStart} starts inside a pickle frame, which joblib never writes; its data would be read from elsewhere in the file.`, this.opStart);
    }
    if (layout.kind === 'pickle') {
      const nested = scanPickle(this.buf, this.pos, { ...this.options, member: this.options.member });
      if (!nested.ok) throw new PickleError(`The object array after byte ${this.opStart} could not be scanned.`, nested.end);
      this.pos = nested.end;
      return;
    }
    this.shadowScan();
    if (layout.aligned) {
      this.need(1);
      const padding = this.buf[this.pos];
      this.pos += 1;
      this.need(padding);
      this.pos += padding;
    }
    if (layout.bytes > this.buf.length - this.pos) {
      throw new PickleError(`A joblib array at byte ${this.opStart} needs ${layout.bytes} bytes of data, but only ${this.buf.length - this.pos} remain.`, this.opStart, true);
    }
    this.pos += layout.bytes;
  }

  /**
   * pickle.load (unlike joblib.load) reads the array bytes as opcodes. If they form a valid pickle tail, that is
   * what a plain unpickler would execute, so its imports count too; garbage (real array data) is ignored.
   */
  private shadowScan(): void {
    const shadow = new ScanCollector();
    const walker = new PickleWalker(this.buf, this.pos, { ...this.options, collector: shadow, joblibArrays: false });
    walker.stack = [...this.stack];
    walker.marks = [...this.marks];
    for (const [k, v] of this.memo) walker.memo.set(k, v);
    try {
      walker.run();
    } catch (error) {
      if (error instanceof PickleError) return;
      throw error;
    }
    if (shadow.imports.length === 0 && shadow.calls.length === 0) return;
    this.options.collector.mergeFrom(shadow);
    this.options.collector.addFinding({
      verdict: 'unverified',
      title: 'Array data that is also a pickle',
      detail: `The bytes of the joblib array after byte ${this.opStart} also read as pickle opcodes, which pickle.load (instead of joblib.load) would run; their imports are listed too. Real array data does not do this.`,
      where: this.where(),
    });
  }

  private addTo(target: Value, items: Value[]): void {
    if (target.t === 'list' || target.t === 'set') for (const item of items) pushItem(target, item);
  }

  private setItems(target: Value, items: Value[]): void {
    if (target.t !== 'dict') return;
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = items[i];
      const existing = key.t === 'str' ? target.entries.findIndex(([k]) => k.t === 'str' && k.v === key.v) : -1;
      if (existing >= 0) target.entries[existing] = [key, items[i + 1]];
      else pushItem(target, [key, items[i + 1]] as [Value, Value]);
    }
  }
}

function sequence(t: 'tuple' | 'list' | 'set', items: Value[]): Value {
  const box = { t, items: [] as Value[], more: 0 };
  for (const item of items) pushItem(box, item);
  return box;
}

function littleEndianSigned(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
