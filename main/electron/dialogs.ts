import { BrowserWindow, dialog } from 'electron';

// Detection is by content; the filter only helps the eye ("All files" is always offered).
const MODEL_EXTENSIONS = ['onnx', 'ort', 'pkl', 'pickle', 'joblib', 'pt', 'pth', 'bin', 'ckpt', 'h5', 'hdf5', 'keras', 'pb', 'safetensors', 'tflite'];

/** The native open dialog for a model file; null when the user cancels. */
export async function openModelDialog(parent: BrowserWindow | null): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open a model',
    buttonLabel: 'Open model',
    properties: ['openFile'],
    filters: [
      { name: 'Models', extensions: MODEL_EXTENSIONS },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
}
