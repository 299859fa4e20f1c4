/**
 * Every pickle opcode of protocols 0 to 5, with how its argument is encoded in the stream. The analyser reads
 * arguments from this table, so an opcode missing here is an unknown opcode and stops the scan (fail closed),
 * exactly where Python's unpickler would raise.
 */
export type ArgKind =
  | 'none'
  | 'u1' | 'u2' | 'i4' | 'u4' | 'u8' | 'f8'
  /** One text line ending in \n (protocol 0 integers, floats, memo keys, reprs). */
  | 'line'
  /** Two text lines: module and name (GLOBAL, INST). */
  | 'two-lines'
  /** A length of 1, 4 or 8 bytes, then that many bytes. */
  | 'bytes-u1' | 'bytes-i4' | 'bytes-u4' | 'bytes-u8';

export interface Opcode {
  name: string;
  arg: ArgKind;
  /** The protocol that introduced it (for the report; the C unpickler accepts every opcode whatever the header). */
  protocol: number;
}

const TABLE: Array<[number, string, ArgKind, number]> = [
  [0x28, 'MARK', 'none', 0],
  [0x2e, 'STOP', 'none', 0],
  [0x30, 'POP', 'none', 0],
  [0x31, 'POP_MARK', 'none', 1],
  [0x32, 'DUP', 'none', 0],
  [0x46, 'FLOAT', 'line', 0],
  [0x49, 'INT', 'line', 0],
  [0x4a, 'BININT', 'i4', 1],
  [0x4b, 'BININT1', 'u1', 1],
  [0x4c, 'LONG', 'line', 0],
  [0x4d, 'BININT2', 'u2', 1],
  [0x4e, 'NONE', 'none', 0],
  [0x50, 'PERSID', 'line', 0],
  [0x51, 'BINPERSID', 'none', 1],
  [0x52, 'REDUCE', 'none', 0],
  [0x53, 'STRING', 'line', 0],
  [0x54, 'BINSTRING', 'bytes-i4', 1],
  [0x55, 'SHORT_BINSTRING', 'bytes-u1', 1],
  [0x56, 'UNICODE', 'line', 0],
  [0x58, 'BINUNICODE', 'bytes-u4', 1],
  [0x61, 'APPEND', 'none', 0],
  [0x62, 'BUILD', 'none', 0],
  [0x63, 'GLOBAL', 'two-lines', 0],
  [0x64, 'DICT', 'none', 0],
  [0x7d, 'EMPTY_DICT', 'none', 1],
  [0x65, 'APPENDS', 'none', 1],
  [0x67, 'GET', 'line', 0],
  [0x68, 'BINGET', 'u1', 1],
  [0x69, 'INST', 'two-lines', 0],
  [0x6a, 'LONG_BINGET', 'u4', 1],
  [0x6c, 'LIST', 'none', 0],
  [0x5d, 'EMPTY_LIST', 'none', 1],
  [0x6f, 'OBJ', 'none', 1],
  [0x70, 'PUT', 'line', 0],
  [0x71, 'BINPUT', 'u1', 1],
  [0x72, 'LONG_BINPUT', 'u4', 1],
  [0x73, 'SETITEM', 'none', 0],
  [0x74, 'TUPLE', 'none', 0],
  [0x29, 'EMPTY_TUPLE', 'none', 1],
  [0x75, 'SETITEMS', 'none', 1],
  [0x47, 'BINFLOAT', 'f8', 1],
  [0x80, 'PROTO', 'u1', 2],
  [0x81, 'NEWOBJ', 'none', 2],
  [0x82, 'EXT1', 'u1', 2],
  [0x83, 'EXT2', 'u2', 2],
  [0x84, 'EXT4', 'i4', 2],
  [0x85, 'TUPLE1', 'none', 2],
  [0x86, 'TUPLE2', 'none', 2],
  [0x87, 'TUPLE3', 'none', 2],
  [0x88, 'NEWTRUE', 'none', 2],
  [0x89, 'NEWFALSE', 'none', 2],
  [0x8a, 'LONG1', 'bytes-u1', 2],
  [0x8b, 'LONG4', 'bytes-i4', 2],
  [0x42, 'BINBYTES', 'bytes-u4', 3],
  [0x43, 'SHORT_BINBYTES', 'bytes-u1', 3],
  [0x8c, 'SHORT_BINUNICODE', 'bytes-u1', 4],
  [0x8d, 'BINUNICODE8', 'bytes-u8', 4],
  [0x8e, 'BINBYTES8', 'bytes-u8', 4],
  [0x8f, 'EMPTY_SET', 'none', 4],
  [0x90, 'ADDITEMS', 'none', 4],
  [0x91, 'FROZENSET', 'none', 4],
  [0x92, 'NEWOBJ_EX', 'none', 4],
  [0x93, 'STACK_GLOBAL', 'none', 4],
  [0x94, 'MEMOIZE', 'none', 4],
  [0x95, 'FRAME', 'u8', 4],
  [0x96, 'BYTEARRAY8', 'bytes-u8', 5],
  [0x97, 'NEXT_BUFFER', 'none', 5],
  [0x98, 'READONLY_BUFFER', 'none', 5],
];

export const OPCODES: ReadonlyMap<number, Opcode> = new Map(
  TABLE.map(([code, name, arg, protocol]) => [code, { name, arg, protocol }]),
);

export const HIGHEST_PROTOCOL = 5;

/** Whether bytes could start a pickle: a PROTO header, or a protocol 0/1 stream's usual first opcodes. */
export function looksLikePickle(head: Buffer): boolean {
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= HIGHEST_PROTOCOL) {
    return head.length < 3 || OPCODES.has(head[2]);
  }
  if (head.length < 2) return false;
  // Protocol 0/1: MARK, empty containers, GLOBAL/INST lines, a protocol 0 string or int.
  if (head[0] === 0x63 || head[0] === 0x69) return /^[ci][A-Za-z_][\w.]*\n/.test(head.toString('latin1', 0, Math.min(head.length, 200)));
  return head[0] === 0x28 || head[0] === 0x7d || head[0] === 0x5d || (head[0] === 0x29 && head[1] === 0x2e);
}
