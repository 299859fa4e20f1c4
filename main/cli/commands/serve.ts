import { resolveRuntimeConfig } from '../../serving/resolve-runtime-config';
import { runForeground } from '../../serving/run-foreground';
import { intValue, oneValue } from '../args';
import { SPEC_OPTION, type CommandDef } from '../command';
import { resolveModelTarget } from '../model-arg';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export const serveCommand: CommandDef = {
  name: 'serve',
  args: 'MODEL',
  summary: 'Serve a model over HTTP on this machine: the same server the Docker image runs, in the foreground',
  details: [
    'Speaks the lesson\'s POST /predict, TF Serving / KServe V1 and the V2 Open Inference Protocol (JSON and binary),',
    'with /metrics, /healthz, /readyz and /openapi.json. Settings come from the spec (serving: port, threads, batching).',
    'Logs are JSON lines on stdout (--pretty for readable text). Ctrl-C stops it gracefully; the exit code is the server\'s.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'port', value: 'N', help: 'Port to listen on (default: the spec\'s serving.port, 8080; 0 = any free port)' },
    { name: 'host', value: 'ADDRESS', help: 'Address to bind (default 127.0.0.1, this machine only; 0.0.0.0 for every network)' },
    { name: 'pretty', help: 'Print the log lines as readable text instead of JSON' },
  ],
  examples: [
    'modeldock serve iris.onnx',
    'modeldock serve --spec modeldock.yaml --port 9000 --pretty',
    'curl -s localhost:8080/predict -d \'{"instances": [[5.1, 3.5, 1.4, 0.2]]}\'',
  ],
  runsUntilInterrupted: true,
  async run(ctx) {
    const port = intValue(ctx.args, 'port', 0, 65535, 'serve');
    const host = oneValue(ctx.args, 'host') ?? ctx.io.env.MODELDOCK_HOST ?? '127.0.0.1';
    const target = await resolveModelTarget(ctx, 'serve');
    const config = await resolveRuntimeConfig(target.modelPath, target.specPath);

    ctx.io.stderr.write(ctx.err.dim(`Serving ${config.model.name} (${config.model.path}); Ctrl-C stops it.\n`));
    if (!LOOPBACK.has(host)) {
      ctx.io.stderr.write(`${ctx.err.yellow('warning:')} listening on ${host}: anyone who can reach this machine can send requests to the model.\n`);
    }
    return runForeground({
      config,
      host,
      port,
      pretty: ctx.args.flags.has('pretty'),
      stdout: ctx.io.stdout,
      signal: ctx.signal,
      colour: ctx.out,
      onReady: (url) => ctx.io.stderr.write(`${ctx.err.green('Ready:')} ${url}  ${ctx.err.dim(`(open it in a browser, or: curl ${url}/)`)}\n`),
    });
  },
};
