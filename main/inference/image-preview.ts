import { PNG } from 'pngjs';
import type { ImagePreview } from '../../shared/schemas/inference';
import { ImagePreprocessSchema, type ImagePreprocess } from '../../shared/schemas/spec';
import { float16BitsToNumber } from './float16';
import type { HostTensor } from './host-tensor';
import { imageLayout } from './image-input';
import type { IoMeta } from './worker-protocol';

/**
 * What the model sees of a photo: the tensor an image input was given, turned back into a picture (normalisation
 * undone with the same settings, channels back in display order). Framing mistakes (stretch vs crop, a photo
 * stored turned, a too-small input size) show at a glance; the per-channel value ranges are what to compare with
 * the training pipeline's tensors.
 */
export function imageTensorPreview(tensor: HostTensor, input: IoMeta, settings: ImagePreprocess | undefined, source: string): ImagePreview {
  const s = settings ?? ImagePreprocessSchema.parse({ type: 'image' });
  const layout = imageLayout(input.dims, s, settings !== undefined);
  const dims = tensor.dims.length === 4 ? tensor.dims.slice(1) : tensor.dims;
  const [channels, height, width] = layout === 'NCHW' ? [dims[0], dims[1], dims[2]] : [dims[2], dims[0], dims[1]];
  const n = width * height;
  const value = valueReader(tensor);
  const at = (ch: number, i: number) => (layout === 'NCHW' ? ch * n + i : i * channels + ch);
  const stats = Array.from({ length: channels }, () => ({ min: Infinity, max: -Infinity, mean: 0 }));
  const png = new PNG({ width, height });
  const perChannel = (list: number[] | undefined, ch: number, fallback: number) => (list ? (list.length === 1 ? list[0] : list[ch]) : fallback);
  for (let i = 0; i < n; i++) {
    const raw: number[] = [];
    for (let ch = 0; ch < channels; ch++) {
      const v = value(at(ch, i));
      const st = stats[ch];
      if (v < st.min) st.min = v;
      if (v > st.max) st.max = v;
      st.mean += v / n;
      // uint8 inputs carry raw pixels; float ones carry (pixel * scale - mean) / std.
      raw.push(tensor.elementType === 'uint8' ? v : (v * perChannel(s.std, ch, 1) + perChannel(s.mean, ch, 0)) / s.scale);
    }
    const [r, g, b] = channels === 1 ? [raw[0], raw[0], raw[0]] : s.colorOrder === 'BGR' ? [raw[2], raw[1], raw[0]] : [raw[0], raw[1], raw[2]];
    png.data[i * 4] = clampByte(r);
    png.data[i * 4 + 1] = clampByte(g);
    png.data[i * 4 + 2] = clampByte(b);
    png.data[i * 4 + 3] = 255;
  }
  const order = channels === 1 ? 'GRAY' : s.colorOrder === 'BGR' ? 'BGR' : 'RGB';
  return {
    input: input.name,
    source,
    width,
    height,
    layout,
    channelNames: channels === 1 ? ['gray'] : order === 'BGR' ? ['B', 'G', 'R'] : ['R', 'G', 'B'],
    channels: stats,
    png: PNG.sync.write(png).toString('base64'),
  };
}

function valueReader(tensor: HostTensor): (index: number) => number {
  const data = tensor.data as ArrayLike<number>;
  if (tensor.elementType === 'float16') return (i) => float16BitsToNumber(data[i]);
  return (i) => data[i];
}

function clampByte(v: number): number {
  return Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v))) : 0;
}
