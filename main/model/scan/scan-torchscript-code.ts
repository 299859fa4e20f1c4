import type { ScanCollector } from './scan-collector';

/**
 * TorchScript archives keep the model's code as TorchScript source under code/. TorchScript compiles a
 * restricted subset of Python, but torch.jit.load compiles whatever is there, so source that reaches for the
 * operating system, the interpreter or files is flagged (it has no business in a model).
 */
const DANGEROUS_PATTERNS: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /^\s*(import|from)\s+(os|posix|nt|subprocess|sys|socket|shutil|ctypes|importlib|pickle|marshal|builtins|runpy|pty|urllib|http|requests|webbrowser)\b/m, what: 'imports a system module' },
  { pattern: /\b__import__\s*\(|\b(eval|exec|compile)\s*\(/, what: 'evaluates code' },
  { pattern: /\bos\.(system|popen|exec\w*|spawn\w*|remove|unlink|fork)\b|\bsubprocess\.\w+/, what: 'runs commands or changes files' },
  { pattern: /(^|[^.\w])open\s*\(/m, what: 'opens files' },
  { pattern: /\b__builtins__\b|\b__globals__\b|\b__subclasses__\b/, what: 'reaches interpreter internals' },
];

/** Custom operator namespaces need a native library loaded first: worth saying, not dangerous by itself. */
const CUSTOM_OP = /\bops\.(?!aten\b|prim\b|quantized\b|_caffe2\b|profiler\b|_quantized\b)([A-Za-z_]\w*)\./g;

export function scanTorchScriptCode(source: string, member: string, collector: ScanCollector): void {
  collector.bytesScanned += source.length;
  for (const { pattern, what } of DANGEROUS_PATTERNS) {
    const match = pattern.exec(source);
    if (!match) continue;
    const line = source.slice(0, match.index).split('\n').length;
    collector.addFinding({
      verdict: 'dangerous',
      title: `TorchScript code ${what}`,
      detail: `${member}, line ${line}: "${source.split('\n')[line - 1].trim().slice(0, 120)}". Real TorchScript exports never contain this.`,
      where: { member, offset: Buffer.byteLength(source.slice(0, match.index)) },
    });
  }
  const namespaces = new Set<string>();
  for (const m of source.matchAll(CUSTOM_OP)) namespaces.add(m[1]);
  for (const ns of namespaces) {
    collector.addFinding({
      verdict: 'safe',
      title: `Custom operators: torch.ops.${ns}`,
      detail: `${member} calls operators from the "${ns}" namespace, which need their native library loaded before the model loads.`,
      where: { member, offset: 0 },
    });
  }
}
