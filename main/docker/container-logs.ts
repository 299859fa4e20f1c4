import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { LogBuffer } from '../serving/log-buffer';

/**
 * Follows a container's output into a LogBuffer, line by line, with stdout and stderr kept apart (the serving
 * runtime writes JSON lines on stdout and a plain sentence on stderr when it cannot start). The whole log is
 * replayed from the container's start, so nothing written before the follow began is lost.
 */
export interface LogFollow {
  /** Resolves when the container's output ended (it stopped) or the follow was cancelled. */
  ended: Promise<void>;
  cancel(): void;
}

export async function followContainerLogs(docker: Docker, container: Docker.Container, buffer: LogBuffer): Promise<LogFollow> {
  const stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: false })) as unknown as NodeJS.ReadableStream;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  const pipe = (source: PassThrough, name: 'stdout' | 'stderr') => {
    let pending = '';
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        if (line) buffer.push(line, name);
      }
    });
    return () => {
      if (pending) buffer.push(pending, name);
      pending = '';
    };
  };
  const flushOut = pipe(stdout, 'stdout');
  const flushErr = pipe(stderr, 'stderr');
  const ended = new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      // demuxStream writes synchronously, so what it had is in the pass-throughs already.
      setImmediate(() => { flushOut(); flushErr(); resolve(); });
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  return {
    ended,
    cancel: () => (stream as unknown as { destroy?: () => void }).destroy?.(),
  };
}
