import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Comparison, PythonInterpreter } from '../../shared/schemas/convert';
import {
  PROVENANCE_FORMAT, PROVENANCE_SUFFIX, ProvenanceSchema, type Provenance, type ProvenanceSource,
} from '../../shared/schemas/provenance';
import type { ScanReport } from '../../shared/schemas/scan';
import { APP_VERSION } from '../engine/versions';
import type { FormatDetection } from '../model/detect-format';
import { converterFor, type RecipeKind } from './recipe-kind';
import { riskWarning } from './risk-gate';

/**
 * The provenance record kept beside a converted model (<name>.onnx.provenance.json): the scan report "for the
 * record" once the original file is out of sight, and what a reviewer of the deploy bundle needs to trust the
 * model: which file it came from (sha256), what its scan said, whether someone accepted a risk, how it was made.
 */

export function provenancePathFor(onnxPath: string): string {
  return `${onnxPath}${PROVENANCE_SUFFIX}`;
}

export interface ProvenanceInput {
  onnxPath: string;
  source: { path: string; detection: FormatDetection };
  scan: ScanReport | null;
  kind: RecipeKind;
  recipe: string;
  recipeGiven: boolean;
  modelClass: string | null;
  inputShapes: number[][] | null;
  python: PythonInterpreter;
  /** The default-domain opset the written ONNX imports. */
  opset: number | null;
  comparison: Comparison | null;
  comparisonNote: string | null;
  durationMs: number;
}

/** Writes the record (whole or not at all: temp file, then rename) and returns it with where it went. */
export async function writeProvenance(input: ProvenanceInput): Promise<{ path: string; record: Provenance }> {
  const converter = converterFor(input.kind);
  const onnxBytes = fs.statSync(input.onnxPath).size;
  const record: Provenance = {
    format: PROVENANCE_FORMAT,
    createdAt: new Date().toISOString(),
    createdBy: `ModelDock ${APP_VERSION}`,
    onnx: { fileName: path.basename(input.onnxPath), bytes: onnxBytes, sha256: await sha256OfFile(input.onnxPath) },
    source: await describeSource(input.source.path, input.source.detection),
    scan: input.scan,
    // The gate let the run through: a scan that is not "safe" means the user confirmed.
    riskAccepted: input.scan?.verdict !== 'safe',
    riskWarning: riskWarning(input.scan, path.basename(input.source.path)),
    recipe: {
      kind: input.kind,
      origin: input.recipeGiven ? 'given' : 'generated',
      text: input.recipe,
      modelClass: input.modelClass,
      inputShapes: input.inputShapes,
    },
    converter: { name: converter, version: converterVersion(converter, input.python), opset: input.opset },
    python: {
      path: input.python.path, label: input.python.label, version: input.python.version, prefix: input.python.prefix,
      packages: input.python.packages,
    },
    comparison: input.comparison,
    comparisonNote: input.comparisonNote,
    durationMs: input.durationMs,
  };
  const target = provenancePathFor(input.onnxPath);
  const partial = `${target}.partial-${process.pid}`;
  try {
    fs.writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return { path: target, record };
}

/**
 * The record beside an ONNX file, when there is one that describes this file: a record that does not parse, or
 * whose size differs from the file's (the ONNX was replaced since), is ignored. Opening stays cheap: the sha256 is
 * checked where it matters, when a bundle is made.
 */
export function readProvenanceBeside(onnxPath: string, onnxBytes?: number): Provenance | undefined {
  let text: string;
  try {
    text = fs.readFileSync(provenancePathFor(onnxPath), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = ProvenanceSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const size = onnxBytes ?? fs.statSync(onnxPath).size;
    return parsed.data.onnx.bytes === size ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function converterVersion(converter: string, python: PythonInterpreter): string | null {
  const pkg = converter === 'torch.onnx' ? 'torch' : converter;
  return python.packages[pkg] || null;
}

async function describeSource(sourcePath: string, detection: FormatDetection): Promise<ProvenanceSource> {
  const base = { path: sourcePath, fileName: path.basename(sourcePath), format: detection.format, formatLabel: detection.label };
  const stat = fs.statSync(sourcePath);
  if (!stat.isDirectory()) return { ...base, bytes: stat.size, sha256: await sha256OfFile(sourcePath), sha256Of: 'file' };
  const listing = await folderListing(sourcePath);
  return {
    ...base,
    bytes: listing.bytes,
    sha256: createHash('sha256').update(listing.text).digest('hex'),
    sha256Of: 'folder-listing',
  };
}

/** A SavedModel folder as `sha256sum` would list it (sorted relative paths), so the folder's hash can be redone by hand. */
async function folderListing(root: string): Promise<{ text: string; bytes: number }> {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  walk('');
  files.sort();
  let text = '';
  let bytes = 0;
  for (const rel of files) {
    const full = path.join(root, ...rel.split('/'));
    bytes += fs.statSync(full).size;
    text += `${await sha256OfFile(full)}  ${rel}\n`;
  }
  return { text, bytes };
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
