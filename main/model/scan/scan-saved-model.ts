import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScanCollector } from './scan-collector';
import { scanEmbeddedKerasJson } from './scan-keras';

/**
 * TensorFlow SavedModel folders hold graphs of TensorFlow ops, not Python; the ops that reach outside the model
 * (writing or reading files, calling back into Python) are looked for by name in saved_model.pb, and a Keras
 * SavedModel's keras_metadata.pb is checked for Lambda layers and custom objects like an .h5 config.
 */
const OPS: Array<{ op: string; verdict: 'dangerous' | 'unverified'; what: string }> = [
  { op: 'WriteFile', verdict: 'dangerous', what: 'writes files' },
  { op: 'PyFunc', verdict: 'dangerous', what: 'calls back into Python' },
  { op: 'EagerPyFunc', verdict: 'dangerous', what: 'calls back into Python' },
  { op: 'PyFuncStateless', verdict: 'dangerous', what: 'calls back into Python' },
  { op: 'ReadFile', verdict: 'unverified', what: 'reads files' },
  { op: 'MatchingFiles', verdict: 'unverified', what: 'lists files' },
  { op: 'DeleteFile', verdict: 'dangerous', what: 'deletes files' },
];

export function scanSavedModel(dir: string, collector: ScanCollector): string {
  const pb = path.join(dir, 'saved_model.pb');
  if (!fs.existsSync(pb)) {
    collector.addFinding({ verdict: 'unverified', title: 'Not a SavedModel folder', detail: 'The folder has no saved_model.pb; there is nothing the scanner knows how to check.', where: null });
    return 'folder';
  }
  const graph = fs.readFileSync(pb);
  collector.scanned.push('saved_model.pb');
  collector.bytesScanned += graph.length;
  for (const { op, verdict, what } of OPS) {
    // Op names appear as length-prefixed protobuf strings: the length byte, then the name.
    const needle = Buffer.concat([Buffer.from([op.length]), Buffer.from(op)]);
    const at = graph.indexOf(needle);
    if (at >= 0) {
      collector.addFinding({ verdict, title: `The graph uses ${op}`, detail: `The ${op} operation ${what} when the model runs.`, where: { member: 'saved_model.pb', offset: at } });
    }
  }
  const metadata = path.join(dir, 'keras_metadata.pb');
  if (fs.existsSync(metadata)) {
    const data = fs.readFileSync(metadata);
    collector.scanned.push('keras_metadata.pb');
    collector.bytesScanned += data.length;
    scanEmbeddedKerasJson(data, 'keras_metadata.pb', collector);
  }
  return 'TensorFlow SavedModel folder';
}
