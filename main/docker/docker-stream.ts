import type Docker from 'dockerode';

/** The JSON messages the engine streams while it pushes, pulls or imports; a failure comes as one with error set. */
export interface StreamMessage {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows the stream to its end: every message, or the first that reports a failure (as the rejection). */
export function followDockerStream<T extends StreamMessage>(
  docker: Docker, stream: NodeJS.ReadableStream, onMessage?: (message: T) => void,
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: T[]) => {
      if (error) return reject(error);
      const failed = output.find((o) => o.error || o.errorDetail);
      return failed ? reject(failed) : resolve(output);
    }, onMessage);
  });
}
