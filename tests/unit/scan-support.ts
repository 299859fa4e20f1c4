import { buildZip } from '../fixtures/zip-writer';

/**
 * A tiny pickle assembler for the scanner tests: opcodes by name, arguments encoded as the protocol says, so
 * each test spells out the exact stream (benign or hostile) it feeds the scanner.
 */
type Part = Buffer | number[] | string;

export function pickle(...parts: Part[]): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

export const op = {
  proto: (v: number) => [0x80, v],
  unicode(s: string): Buffer {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([0x8c, b.length]), b]);
  },
  binunicode(s: string): Buffer {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return Buffer.concat([Buffer.from([0x58]), len, b]);
  },
  global: (module: string, name: string) => `c${module}\n${name}\n`,
  binint1: (n: number) => [0x4b, n],
  binput: (n: number) => [0x71, n],
  binget: (n: number) => [0x68, n],
  frame(body: Buffer): Buffer {
    const head = Buffer.alloc(9);
    head[0] = 0x95;
    head.writeBigUInt64LE(BigInt(body.length), 1);
    return Buffer.concat([head, body]);
  },
  MEMOIZE: [0x94], STACK_GLOBAL: [0x93], REDUCE: [0x52], BUILD: [0x62], NEWOBJ: [0x81], TUPLE1: [0x85], TUPLE2: [0x86],
  TUPLE3: [0x87], EMPTY_TUPLE: [0x29], EMPTY_DICT: [0x7d], EMPTY_LIST: [0x5d], MARK: [0x28], TUPLE: [0x74], SETITEMS: [0x75],
  SETITEM: [0x73], APPEND: [0x61], POP: [0x30], STOP: [0x2e], NONE: [0x4e], NEWTRUE: [0x88], NEWFALSE: [0x89], DICT: [0x64],
};

/** os.system("touch <marker>") the protocol 2 way: GLOBAL, argument tuple, REDUCE. */
export function osSystemPickle(command: string): Buffer {
  return pickle(op.proto(2), op.global('os', 'system'), op.binunicode(command), op.TUPLE1, op.REDUCE, op.STOP);
}

/** A benign state_dict-like pickle: OrderedDict of one tensor rebuilt by torch._utils._rebuild_tensor_v2. */
export function stateDictPickle(): Buffer {
  return pickle(
    op.proto(2), op.global('collections', 'OrderedDict'), op.binput(0), op.EMPTY_TUPLE, op.REDUCE, op.binput(1),
    op.binunicode('linear.weight'), op.global('torch._utils', '_rebuild_tensor_v2'), op.binput(2),
    op.MARK, op.MARK, op.binunicode('storage'), op.global('torch', 'FloatStorage'), op.binunicode('0'), op.binunicode('cpu'), op.binint1(4), op.TUPLE,
    [0x51], // BINPERSID
    op.binint1(0), op.MARK, op.binint1(2), op.binint1(2), op.TUPLE, op.MARK, op.binint1(2), op.binint1(1), op.TUPLE, op.NEWFALSE,
    op.global('collections', 'OrderedDict'), op.EMPTY_TUPLE, op.REDUCE, op.TUPLE, op.REDUCE, op.SETITEM, op.STOP,
  );
}

export { buildZip };
