/** Extensions worth highlighting in a file browser; detection itself is by content (see detect-format.ts). */
const MODEL_EXTENSIONS = [
  '.onnx', '.ort', '.pkl', '.pickle', '.joblib', '.pt', '.pth', '.bin', '.ckpt', '.h5', '.hdf5', '.keras',
  '.pb', '.safetensors', '.tflite', '.sav',
];

export function looksLikeModelName(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
