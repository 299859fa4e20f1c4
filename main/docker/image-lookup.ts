import type Docker from 'dockerode';
import { dockerError, dockerStatusCode } from './docker-errors';

/** An image the engine has, or null when it has none by that name (any other failure is an error). */
export async function findImage(docker: Docker, reference: string): Promise<Docker.ImageInspectInfo | null> {
  try {
    return await docker.getImage(reference).inspect();
  } catch (error) {
    if (dockerStatusCode(error) === 404) return null;
    throw dockerError(error, { action: 'inspect', image: reference });
  }
}
