import { useRef, useState } from 'react';
import type { TryImage, TryImageOther } from '../../../shared/schemas/serve';

/** The largest photo the panel sends (the server's own body limit is 32 MB by default). */
const MAX_PHOTO_BYTES = 24 * 1024 * 1024;

export interface ChosenPhoto {
  image: TryImage;
  /** For the thumbnail: a data: URL (the page's CSP allows data: images, not blob:). */
  dataUrl: string;
  bytes: number;
}

/**
 * The photo an image model is tried with: picked here, read by the page (the renderer has no file system), and
 * sent by the engine in each protocol's own way. The thumbnail shows the file as the browser displays it.
 */
export function TryPhoto({ input, photo, onPhoto, requestShape, others, values, onValue }: {
  input: string;
  photo: ChosenPhoto | null;
  onPhoto: (photo: ChosenPhoto | null) => void;
  requestShape: string | null;
  /** The model's other inputs: each gets a value that goes beside the photo. */
  others: TryImageOther[];
  values: Record<string, string>;
  onValue: (name: string, text: string) => void;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function choose(file: File) {
    setProblem(null);
    if (!/\.(png|jpe?g)$/i.test(file.name) && !/^image\/(png|jpeg)$/.test(file.type)) {
      setProblem(`${file.name} is not a PNG or JPEG photo; the server decodes those two formats.`);
      return;
    }
    if (file.size > MAX_PHOTO_BYTES) {
      setProblem(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the panel sends photos up to ${MAX_PHOTO_BYTES / 1024 / 1024} MB. Scale it down first.`);
      return;
    }
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    }).catch(() => null);
    if (!dataUrl) {
      setProblem(`${file.name} could not be read.`);
      return;
    }
    onPhoto({ image: { input, fileName: file.name, base64: dataUrl.slice(dataUrl.indexOf(',') + 1) }, dataUrl, bytes: file.size });
  }

  return (
    <div className="field try-photo" data-testid="try-photo">
      <span className="field-label-row">
        <span className="field-label">Photo for input <span className="mono">{input}</span></span>
        {photo && <button type="button" className="link-button" onClick={() => onPhoto(null)} data-testid="try-photo-clear">Remove</button>}
      </span>
      <div className="try-photo-row">
        {photo
          ? <img className="try-photo-thumb" src={photo.dataUrl} alt={`The chosen photo, ${photo.image.fileName}`} data-testid="try-photo-thumb" />
          : <div className="try-photo-thumb try-photo-empty" aria-hidden="true">PNG / JPEG</div>}
        <div className="try-photo-about">
          <button type="button" className="button" onClick={() => fileRef.current?.click()} data-testid="try-photo-choose">
            {photo ? 'Choose another photo…' : 'Choose a photo…'}
          </button>
          <input ref={fileRef} type="file" accept="image/png,image/jpeg" hidden data-testid="try-photo-input"
            onChange={(e) => { const f = e.target.files?.[0]; if (f) void choose(f); e.target.value = ''; }} />
          {photo && <span className="mono small" data-testid="try-photo-name">{photo.image.fileName} · {photo.bytes.toLocaleString('en-US')} bytes</span>}
          <span className="field-help">
            The server decodes it, resizes it to the model&apos;s input and normalises it as the spec&apos;s inputs.{input} says,
            exactly as it will for your clients.
          </span>
          {problem && <span className="field-error" role="alert" data-testid="try-photo-problem">{problem}</span>}
        </div>
      </div>
      {others.length > 0 && (
        <div className="try-photo-others" data-testid="try-photo-others">
          {others.map((other) => (
            <label key={other.name} className="field">
              <span className="field-label">Value for input <span className="mono">{other.name}</span> <span className="muted mono small">{other.type}</span></span>
              <input className="input mono input-wide" value={values[other.name] ?? other.sample} spellCheck={false}
                onChange={(e) => onValue(other.name, e.target.value)} data-testid={`try-photo-value-${other.name}`} />
            </label>
          ))}
          <span className="field-help">
            This model takes {others.length === 1 ? 'another input' : 'other inputs'} besides the photo: one row&apos;s value for each, as JSON,
            goes in the same request (a form field, a key of the V1 instance, a V2 tensor). The sample is made up; put in a real value.
          </span>
        </div>
      )}
      {photo && requestShape && (
        <details className="disclosure">
          <summary>What the request carries</summary>
          <pre className="mono detail-text" data-testid="try-photo-shape">{requestShape}</pre>
        </details>
      )}
    </div>
  );
}
