/**
 * How the Run step runs the model (this computer's process or a Docker container), and an image the Package step
 * asked it to run. Kept outside React so they survive visits to other steps; one window, one choice.
 */
export type RunMode = 'local' | 'docker';

let mode: RunMode = 'local';
let requestedImage: string | null = null;

export function runMode(): RunMode {
  return mode;
}

export function setRunMode(next: RunMode): void {
  mode = next;
}

/** The Package step's "Run" button: the Run step opens in Docker mode with this image picked. */
export function requestImageRun(image: string): void {
  requestedImage = image;
  mode = 'docker';
}

/** The image asked for since the last call, once. */
export function takeRequestedImage(): string | null {
  const image = requestedImage;
  requestedImage = null;
  return image;
}
