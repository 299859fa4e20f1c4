import { parentPort } from 'node:worker_threads';
import { decodeImage, imageToTensor } from '../../../main/inference/image-input';
import { asHttpError } from './http-error';
import { transferList } from './thread-protocol';
import type { FromImageThread, ToImageThread } from './image-protocol';

/**
 * One image thread: decodes an encoded image (PNG, JPEG) and preprocesses it into the input tensor, off the server
 * thread. Decoding a phone photo in JavaScript takes most of a second, and on the server thread that second would
 * stall every other request, health checks included.
 */
const port = parentPort!;

port.on('message', (job: ToImageThread) => {
  let reply: FromImageThread;
  try {
    const tensor = imageToTensor(decodeImage(job.bytes, job.label, job.maxPixels), job.input, job.settings);
    reply = { tensor };
  } catch (error) {
    const refused = asHttpError(error);
    reply = refused ? { status: refused.status, message: refused.message } : { fault: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, 'tensor' in reply ? transferList([reply.tensor]) : []);
});
