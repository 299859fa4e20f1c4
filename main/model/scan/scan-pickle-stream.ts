import type { PolicyContext } from './import-policy';
import { scanPickle } from './pickle-analyser';
import { looksLikePickle } from './pickle-opcodes';
import type { ScanCollector } from './scan-collector';

/**
 * A file or member that holds pickles one after another: a plain pickle (maybe with more pickles stacked behind
 * it, which a loader calling pickle.load twice would read), a joblib dump, or a legacy torch.save file (magic
 * number, protocol version, sys_info, the object, the storage keys, then raw storage bytes that are never
 * unpickled).
 */
const TORCH_LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const MAX_STACKED = 64;

export interface StreamScan {
  kind: 'pickle' | 'legacy-torch';
  pickles: number;
}

export function scanPickleStream(
  buf: Buffer, member: string | null, collector: ScanCollector, context: PolicyContext = {},
): StreamScan {
  collector.bytesScanned += buf.length;
  const options = { member, collector, context, joblibArrays: true };
  const first = scanPickle(buf, 0, options);
  if (!first.ok) return { kind: 'pickle', pickles: 1 };

  if (first.value?.t === 'int' && first.value.v === TORCH_LEGACY_MAGIC) {
    let pos = first.end;
    for (let i = 0; i < 4; i++) {
      const next = scanPickle(buf, pos, { ...options, context: { ...context } });
      if (!next.ok) return { kind: 'legacy-torch', pickles: i + 2 };
      pos = next.end;
    }
    return { kind: 'legacy-torch', pickles: 5 };
  }

  let pos = first.end;
  let count = 1;
  while (pos < buf.length && count < MAX_STACKED) {
    const rest = buf.subarray(pos, Math.min(buf.length, pos + 64));
    if (!looksLikePickle(rest)) {
      collector.addFinding({
        verdict: 'safe',
        title: 'Data after the pickle',
        detail: `${buf.length - pos} bytes follow the end of the pickle; they do not start like another pickle, and pickle.load never reads them.`,
        where: { member, offset: pos },
      });
      break;
    }
    const next = scanPickle(buf, pos, options);
    count++;
    if (!next.ok) break;
    pos = next.end;
  }
  if (count > 1) {
    collector.addFinding({
      verdict: 'safe',
      title: `${count} pickles stacked in one ${member ? 'member' : 'file'}`,
      detail: 'A loader that calls pickle.load more than once reads them all, so all were scanned.',
      where: { member, offset: 0 },
    });
  }
  return { kind: 'pickle', pickles: count };
}
