/** metadata_props keys exporters and people use for class names, most specific first. */
const LABEL_KEYS = ['labels', 'classes', 'class_names', 'classnames', 'class_labels', 'classlabels', 'label_names', 'names', 'id2label'];

/**
 * Class names from metadata_props: a JSON array, a JSON object keyed by index ({"0": "cat"}, as Hugging Face's
 * id2label and Ultralytics' names), or text separated by newlines or commas.
 */
export function labelsFromMetadata(metadata: Array<{ key: string; value: string }>): string[] | null {
  for (const wanted of LABEL_KEYS) {
    const entry = metadata.find((m) => m.key.toLowerCase() === wanted);
    if (!entry) continue;
    const labels = parseLabels(entry.value);
    if (labels && labels.length > 0) return labels;
  }
  return null;
}

export function parseLabels(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const parsed = parseJsonish(trimmed);
    if (Array.isArray(parsed)) return parsed.map((v) => String(v));
    if (parsed && typeof parsed === 'object') {
      const entries = Object.entries(parsed as Record<string, unknown>).filter(([k]) => /^\d+$/.test(k));
      if (entries.length > 0) {
        const out: string[] = [];
        for (const [k, v] of entries) out[Number(k)] = String(v);
        return Array.from(out, (v, i) => v ?? String(i));
      }
    }
  }
  const parts = trimmed.includes('\n') ? trimmed.split(/\r?\n/) : trimmed.split(',');
  const labels = parts.map((p) => p.trim()).filter((p) => p.length > 0);
  return labels.length > 0 ? labels : null;
}

function parseJsonish(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Python's str() of a dict or list uses single quotes ({0: 'person'}): accept that too.
    try {
      return JSON.parse(text.replace(/'/g, '"').replace(/([{,]\s*)(\d+)\s*:/g, '$1"$2":'));
    } catch {
      return null;
    }
  }
}
