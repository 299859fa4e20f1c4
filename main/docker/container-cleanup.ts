import type Docker from 'dockerode';
import { listedName } from './container-status';
import type { TrackedContainer } from './container-tracked';
import { dockerError } from './docker-errors';
import { MANAGED_LABEL, STARTED_CONTAINER_FILTER } from './labels';

const YOUNG_SECONDS = 60;

/** Removes ModelDock's stopped containers and its dangling (untagged, superseded) images; never a running one. */

export interface CleanupResult {
  removedContainers: string[];
  removedImages: string[];
  reclaimedBytes: number;
}

export async function removeStoppedContainersAndImages(
  docker: Docker, tracked: ReadonlyMap<string, TrackedContainer>,
): Promise<CleanupResult> {
  const removedContainers: string[] = [];
  const removedImages: string[] = [];
  let reclaimedBytes = 0;
  try {
    const containers = await docker.listContainers({ all: true, size: true, filters: STARTED_CONTAINER_FILTER });
    for (const info of containers) {
      if (info.State === 'running' || info.State === 'restarting' || info.State === 'paused') continue;
      if (tracked.get(info.Id)?.state === 'starting') continue;
      // Another window or a CLI run may be starting this one (created, not yet running) or reading why it just
      // exited: young containers this engine does not know are left to whoever made them.
      if (!tracked.has(info.Id) && Date.now() / 1000 - info.Created < YOUNG_SECONDS) continue;
      await docker.getContainer(info.Id).remove({ force: true }).catch(() => {});
      removedContainers.push(listedName(info));
      reclaimedBytes += (info as { SizeRw?: number }).SizeRw ?? 0;
      const known = tracked.get(info.Id);
      if (known) known.state = 'removed';
    }
    const images = await docker.listImages({ filters: { dangling: ['true'], label: [MANAGED_LABEL] } });
    for (const info of images) {
      try {
        await docker.getImage(info.Id).remove();
        removedImages.push(info.Id);
        reclaimedBytes += info.Size ?? 0;
      } catch {
        // Still used by a container or a child image: left for a later clean-up.
      }
    }
  } catch (error) {
    throw dockerError(error, { action: 'remove' });
  }
  return { removedContainers, removedImages, reclaimedBytes };
}
