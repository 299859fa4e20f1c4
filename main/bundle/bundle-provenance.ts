import type { GeneratedFile } from '../../shared/schemas/kubernetes';
import type { Provenance } from '../../shared/schemas/provenance';
import { readProvenanceBeside } from '../convert/provenance-record';
import { BUNDLE_PATHS } from './bundle-layout';

/**
 * A model ModelDock converted travels with where it came from: the original's static safety scan and the whole
 * conversion record go into provenance/ (outside the Docker build context, so the image is unchanged), listed in
 * the sha256 manifest like every other file and summed up in the README for whoever reviews the deployment.
 */
export interface BundleProvenance {
  record: Provenance | null;
  files: GeneratedFile[];
  warnings: string[];
}

/** The record beside the model, kept only when it describes exactly these bytes (sha256 of the model the image gets). */
export function bundleProvenance(modelPath: string, modelSha256: string): BundleProvenance {
  const record = readProvenanceBeside(modelPath) ?? null;
  if (!record) return { record: null, files: [], warnings: [] };
  if (record.onnx.sha256 !== modelSha256) {
    return {
      record: null,
      files: [],
      warnings: [`${record.onnx.fileName}.provenance.json describes another version of the model (its sha256 differs), so the bundle leaves it out. Convert the model again to record where this version came from.`],
    };
  }
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    record,
    files: [
      ...(record.scan ? [{ path: BUNDLE_PATHS.provenanceScan, content: json(record.scan) }] : []),
      { path: BUNDLE_PATHS.provenanceRecord, content: json(record) },
    ],
    warnings: [],
  };
}

/** The README's "Where this model came from" section (empty for a model that was not converted by ModelDock). */
export function provenanceReadmeLines(record: Provenance | null | undefined, modelFile: string): string[] {
  if (!record) return [];
  const verdict = record.scan?.verdict ?? 'not scanned';
  const c = record.comparison;
  const version = record.converter.version
    ? (record.converter.name === 'torch.onnx' ? ` (torch ${record.converter.version})` : ` ${record.converter.version}`)
    : '';
  const converter = `${record.converter.name}${version}${record.converter.opset ? ` at opset ${record.converter.opset}` : ''}`;
  const python = `Python ${record.python.version ?? '(unknown version)'} (\`${record.python.path}\`)`;
  return [
    '## Where this model came from',
    '',
    `ModelDock converted \`${modelFile}\` from \`${record.source.fileName}\` (${record.source.formatLabel}) on ${record.createdAt.slice(0, 10)} with ${converter}, using ${python}.`,
    '',
    record.scan
      ? `- Static safety scan of the original (read byte by byte, nothing loaded): **${verdict}**. ${record.scan.summary} The full report: \`${BUNDLE_PATHS.provenanceScan}\`.`
      : '- The original could not be scanned before it was converted.',
    ...(record.riskAccepted ? ['- **The scan did not clear the file, and the risk was accepted**: someone confirmed loading it in Python, which runs the code it carries, to convert it. Read the scan report before trusting the model.'] : []),
    c
      ? `- Outputs compared with the original on batches of ${c.samples.map((s) => s.batch).join(' and ')}: ${c.passed ? '**they match**' : '**they differ**'} (largest difference ${c.maxAbsDiff ?? 'not comparable'}, allowed ${c.tolerance} + ${c.relativeTolerance} x |value|).`
      : `- Outputs were not compared with the original. ${record.comparisonNote ?? ''}`.trimEnd(),
    `- The whole record (the recipe that ran, the interpreter and its package versions, the comparison): \`${BUNDLE_PATHS.provenanceRecord}\`.`,
    '',
    record.source.sha256Of === 'file'
      ? `To check that a copy of the original is the file that was converted, \`sha256sum ${record.source.fileName}\` must print \`${record.source.sha256}\`.`
      : `The original was a folder; the sha256 of its file list (as \`sha256sum\` prints it, sorted by path) is \`${record.source.sha256}\`.`,
    '',
  ];
}
