/** Owns the inference worker process. Placeholder until the inference layer lands. */
export class InferenceService {
  async dispose(): Promise<void> {}
}
