import type { LoadTestResult } from '../../shared/schemas/docker';
import type { TryImage, TryProtocol } from '../../shared/schemas/serve';
import { imageToSend, prepareImageRequest } from '../serving/try-image';
import { prepareRequest, sampleBody, type PreparedRequest } from '../serving/try-protocols';
import { metadataFailedError } from './container-errors';
import { servedModelInputs, servedModelName } from './container-runtime-info';
import { urlOf, type TrackedContainer } from './container-tracked';
import type { LoadTestNumbers } from './load-test';

/** Requests to a ready container (Try and load tests), and a load test's numbers as the history keeps them. */

/** The request to send: the body given, else a sample built from the inputs the server describes. */
export async function prepareTryRequest(tracked: TrackedContainer, protocol: TryProtocol, body: string | undefined, image?: TryImage): Promise<PreparedRequest> {
  const baseUrl = urlOf(tracked);
  tracked.apiName ??= await servedModelName(baseUrl);
  const modelName = tracked.apiName ?? 'model';
  const needsInputs = image ? Object.keys(image.values ?? {}).length > 0 : body === undefined;
  if (needsInputs && !tracked.inputs) {
    try {
      tracked.inputs = await servedModelInputs(baseUrl, modelName);
    } catch (error) {
      throw metadataFailedError(tracked, error);
    }
  }
  if (image) return prepareImageRequest(protocol, imageToSend(image, tracked.inputs ?? []), { baseUrl, modelName });
  return prepareRequest(protocol, body ?? sampleBody(protocol, tracked.inputs ?? []), { baseUrl, modelName });
}

export function loadTestResult(
  tracked: TrackedContainer,
  request: { protocol: TryProtocol; concurrency: number },
  numbers: LoadTestNumbers,
  peak: { cpuCores: number | null; memoryBytes: number | null },
): LoadTestResult {
  const round = (n: number) => Number(n.toFixed(3));
  return {
    at: new Date().toISOString(),
    imageId: tracked.imageId,
    reference: tracked.image,
    protocol: request.protocol,
    concurrency: request.concurrency,
    durationSeconds: round(numbers.elapsedSeconds),
    cpus: tracked.cpus,
    memoryMB: tracked.memoryMB,
    requests: numbers.requests,
    errors: numbers.errors,
    requestsPerSecond: round(numbers.requestsPerSecond),
    p50Ms: round(numbers.p50Ms),
    p90Ms: round(numbers.p90Ms),
    p99Ms: round(numbers.p99Ms),
    maxMs: round(numbers.maxMs),
    histogram: numbers.histogram,
    peakCpuCores: peak.cpuCores,
    peakMemoryBytes: peak.memoryBytes,
  };
}
