import { UsageError, oneValue } from '../args';
import { JSON_OPTION, type CommandDef } from '../command';
import { CONTEXT_OPTION, contextField } from '../docker-context';
import { registryOfReference } from '../../docker/credential-store';

export const pushCommand: CommandDef = {
  name: 'push',
  args: 'NAME:TAG',
  summary: 'Push an image to a registry and print its digest (the pinned reference to deploy)',
  details: [
    'Credentials: MODELDOCK_REGISTRY_USERNAME and MODELDOCK_REGISTRY_PASSWORD (checked with the registry first),',
    'else the docker CLI\'s saved login for that registry (~/.docker/config.json), else none.',
    'They are never printed or written anywhere by ModelDock.',
  ],
  options: [
    { name: 'to', value: 'REGISTRY/NAME:TAG', help: 'Where to push (default: the image\'s own name, which must then name a registry)' },
    CONTEXT_OPTION,
    JSON_OPTION,
  ],
  examples: [
    'modeldock push iris:1 --to registry.example.com/team/iris:1',
    'MODELDOCK_REGISTRY_USERNAME=ci MODELDOCK_REGISTRY_PASSWORD=$TOKEN modeldock push 127.0.0.1:5000/iris:1',
  ],
  async run(ctx) {
    const image = ctx.args.positionals[0];
    if (!image || ctx.args.positionals.length > 1) throw new UsageError('expects one image (NAME:TAG or id)', 'push');
    const target = oneValue(ctx.args, 'to');
    const where = contextField(ctx.args);
    const engine = ctx.engine();
    const username = ctx.io.env.MODELDOCK_REGISTRY_USERNAME;
    const password = ctx.io.env.MODELDOCK_REGISTRY_PASSWORD;
    if (Boolean(username) !== Boolean(password)) {
      throw new UsageError('set both MODELDOCK_REGISTRY_USERNAME and MODELDOCK_REGISTRY_PASSWORD, or neither', 'push');
    }
    if (username && password) {
      const registry = registryOfReference(target ?? image);
      await engine.invoke('registry.login', { registry, username, password, remember: false, ...where });
    }
    const bar = ctx.progress();
    const result = await engine.invoke('image.push', { image, ...(target ? { target } : {}), ...where }, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.fraction, p.line ?? 'Pushing'),
    });
    bar.clear();
    if (ctx.json) {
      ctx.print(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      ctx.print(`${ctx.out.green('Pushed')} ${result.reference}\n`);
      ctx.print(`  digest: ${result.digest}\n`);
      ctx.print(`  pinned: ${result.pinned}\n`);
    }
    return 0;
  },
};
