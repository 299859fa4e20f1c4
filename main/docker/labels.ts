/** Every image and container ModelDock makes carries this label, so it can list and clean up only its own. */
export const MANAGED_LABEL = 'dev.modeldock.managed';
/** The model a container or image serves (its name), for listing. */
export const MODEL_NAME_LABEL = 'dev.modeldock.model';
/** The model file's sha256, so a history entry can be matched to an image. */
export const MODEL_SHA_LABEL = 'dev.modeldock.model.sha256';
/** The image a container was started from, as the user named it (Docker only keeps the id in some listings). */
export const IMAGE_LABEL = 'dev.modeldock.image';
