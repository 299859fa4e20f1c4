import type { OnnxSummary } from '../../../shared/schemas/model';
import { inspectOnnx } from '../../model/onnx-inspect';
import { readSpec, specPathForModel, starterSpecText, validateSpecText, writeSpec } from '../../spec/spec-file';
import { updateSpecSection } from '../../spec/spec-section-update';
import type { EngineServices, Handlers } from '../types';

export function specHandlers(_services: EngineServices): Pick<Handlers, 'spec.forModel' | 'spec.read' | 'spec.write' | 'spec.writeSection'> {
  return {
    async 'spec.forModel'({ modelPath }) {
      const existing = readSpec(specPathForModel(modelPath));
      if (existing.exists) return existing;
      // No spec yet: offer a starter filled from the model. A model we cannot inspect still gets a starter.
      let summary: OnnxSummary | undefined;
      try {
        summary = await inspectOnnx(modelPath);
      } catch {
        summary = undefined;
      }
      const text = starterSpecText(modelPath, summary);
      const { spec, issues } = validateSpecText(text);
      return { specPath: existing.specPath, exists: false, spec, text, issues };
    },
    async 'spec.read'({ path }) {
      return readSpec(path);
    },
    async 'spec.write'({ path, text }) {
      return writeSpec(path, text);
    },
    async 'spec.writeSection'({ path, section, value, headComment, starterText }) {
      // The file as it is now (an editor or the CLI may have changed it since the screen read it).
      const onDisk = readSpec(path);
      // A file with problems is left alone: the user may be halfway through an edit of it.
      if (onDisk.exists && !onDisk.spec) return onDisk;
      const base = onDisk.exists ? onDisk.text : starterText ?? '';
      return writeSpec(path, updateSpecSection(base, section, value, headComment));
    },
  };
}
