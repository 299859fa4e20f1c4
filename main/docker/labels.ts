/** Every image and container ModelDock makes carries this label, so it can list and clean up only its own. */
export const MANAGED_LABEL = 'dev.modeldock.managed';
/** The model a container or image serves (its name), for listing. */
export const MODEL_NAME_LABEL = 'dev.modeldock.model';
/** The model file's sha256, so a history entry can be matched to an image. */
export const MODEL_SHA_LABEL = 'dev.modeldock.model.sha256';
/**
 * The image a container was started from, as the user named it (Docker only keeps the id in some listings). Only
 * containers ModelDock started carry it: containers inherit their image's labels, so the build's own intermediate
 * containers (and a container someone started by hand from one of our images) carry MANAGED_LABEL too.
 */
export const IMAGE_LABEL = 'dev.modeldock.image';
/** The label filter that finds the containers ModelDock started, and nothing else. */
export const STARTED_CONTAINER_FILTER = { label: [IMAGE_LABEL] };
