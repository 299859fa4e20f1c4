import * as fs from 'node:fs';
import * as path from 'node:path';
import { contract } from '../../../shared/contract';
import { ModelDockError } from '../../../shared/errors';
import { UsageError } from '../args';
import { EXIT, JSON_OPTION, type CommandDef } from '../command';
import { displayPath } from '../format';

export const specInitCommand: CommandDef = {
  name: 'spec init',
  args: 'MODEL',
  summary: 'Write a documented modeldock.yaml beside a model, filled in from the model',
  details: [
    'Every key has a comment explaining it. Labels and image inputs found in the model are filled in.',
    'An existing modeldock.yaml is never overwritten.',
  ],
  options: [{ name: 'print', help: 'Print the starter spec instead of writing it' }, JSON_OPTION],
  examples: ['modeldock spec init model.onnx', 'modeldock spec init model.onnx --print > other.yaml'],
  async run(ctx) {
    const given = ctx.args.positionals[0];
    if (!given || ctx.args.positionals.length > 1) throw new UsageError('expected one MODEL', 'spec init');
    const modelPath = path.resolve(ctx.io.cwd, given);
    if (!fs.existsSync(modelPath)) {
      throw new ModelDockError({ code: 'model-missing', title: 'Model not found', message: `${modelPath} does not exist.`, fix: 'Check the path.' });
    }
    const engine = ctx.engine();
    const doc = await engine.invoke('spec.forModel', { modelPath }, { signal: ctx.signal });
    if (ctx.args.flags.has('print')) {
      ctx.print(ctx.json ? `${JSON.stringify(doc, null, 2)}\n` : doc.text);
      return EXIT.ok;
    }
    if (doc.exists) {
      throw new ModelDockError({
        code: 'spec-exists',
        title: 'A spec already exists',
        message: `${doc.specPath} is already there; it was left as it is.`,
        fix: `Edit it, check it with "modeldock spec check ${displayPath(ctx.io.cwd, doc.specPath)}", or move it away and run spec init again.`,
      });
    }
    const written = await engine.invoke('spec.write', { path: doc.specPath, text: doc.text }, { signal: ctx.signal });
    if (!written.spec) {
      throw new ModelDockError({ code: 'spec-invalid', title: 'The starter spec is invalid', message: written.issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
    }
    if (ctx.json) {
      ctx.print(`${JSON.stringify(written, null, 2)}\n`);
    } else {
      const shown = displayPath(ctx.io.cwd, written.specPath);
      ctx.print(`Wrote ${shown}\n`);
      ctx.print(ctx.out.dim(`Edit it to set the name, labels and input preprocessing, then check it: modeldock spec check ${shown}\n`));
    }
    return EXIT.ok;
  },
};

export const specCheckCommand: CommandDef = {
  name: 'spec check',
  args: 'FILE',
  summary: contract['spec.read'].summary,
  details: ['Prints each problem as FILE:LINE: key.path: message and exits with 1 when there is one.'],
  options: [JSON_OPTION],
  examples: ['modeldock spec check modeldock.yaml'],
  async run(ctx) {
    const given = ctx.args.positionals[0];
    if (!given || ctx.args.positionals.length > 1) throw new UsageError('expected one FILE (a modeldock.yaml)', 'spec check');
    const specPath = path.resolve(ctx.io.cwd, given);
    const doc = await ctx.engine().invoke('spec.read', { path: specPath }, { signal: ctx.signal });
    if (!doc.exists) {
      throw new ModelDockError({ code: 'spec-missing', title: 'Spec file not found', message: `${specPath} does not exist.`, fix: 'Create one with: modeldock spec init MODEL' });
    }
    const modelPath = doc.spec ? path.resolve(path.dirname(specPath), doc.spec.model.path) : null;
    const modelMissing = modelPath !== null && !fs.existsSync(modelPath);
    if (ctx.json) {
      ctx.print(`${JSON.stringify({ ...doc, modelPath, modelExists: modelPath ? !modelMissing : null }, null, 2)}\n`);
      return doc.spec ? EXIT.ok : EXIT.failure;
    }
    if (!doc.spec) {
      for (const i of doc.issues) {
        ctx.print(`${given}${i.line ? `:${i.line}` : ''}: ${i.path ? `${ctx.out.bold(i.path)}: ` : ''}${i.message}\n`);
      }
      ctx.io.stderr.write(`${ctx.err.red(`${doc.issues.length} problem${doc.issues.length === 1 ? '' : 's'}`)} in ${given}\n`);
      return EXIT.failure;
    }
    const s = doc.spec;
    ctx.print(`${ctx.out.green('valid')}  ${given}: ${s.model.name} version ${s.model.version}, model ${s.model.path}` +
      `${s.labels ? `, ${s.labels.length} labels` : s.labelsFile ? `, labels from ${s.labelsFile}` : ''}` +
      `${s.inputs ? `, settings for input${Object.keys(s.inputs).length === 1 ? '' : 's'} ${Object.keys(s.inputs).map((k) => `"${k}"`).join(', ')}` : ''}\n`);
    if (modelMissing) ctx.io.stderr.write(`${ctx.err.yellow('warning:')} the model file ${modelPath} does not exist (model.path)\n`);
    return EXIT.ok;
  },
};
