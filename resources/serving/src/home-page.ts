import { createHash } from 'node:crypto';
import { describeIo, type ModelInfo } from './model-info';
import { exampleRow, lessonExample, v2Example } from './examples';

/**
 * GET /: what this server is. Browsers (Accept: text/html) get a small try-it page generated from the model's
 * inputs (a file picker for image inputs, a JSON box for the others) that posts to /predict; everything else gets
 * plain text with curl lines. The page loads nothing from elsewhere; its inline style and script are allowed by
 * hash in a strict Content-Security-Policy.
 */
export interface HomePage {
  html: string;
  csp: string;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem;margin-bottom:.2rem}.muted{color:#5b6475}code,pre,textarea{font:13px ui-monospace,monospace}
pre{background:#f3f5f8;padding:.75rem;overflow:auto;border-radius:6px}textarea{width:100%;min-height:4.5rem}
label{display:block;font-weight:600;margin-top:1rem}button{margin-top:1rem;padding:.45rem 1.2rem;font-size:15px}
table{border-collapse:collapse}td,th{padding:.2rem .8rem .2rem 0;text-align:left}`;

const SCRIPT = `const form=document.getElementById('try');const out=document.getElementById('out');
form.addEventListener('submit',async(e)=>{e.preventDefault();out.textContent='Running...';
const files=[...form.querySelectorAll('input[type=file]')].filter((f)=>f.files.length);
const boxes=[...form.querySelectorAll('textarea')];let init;
try{if(files.length){const fd=new FormData();for(const f of files)fd.append(f.name,f.files[0]);
for(const b of boxes)fd.append(b.name,JSON.stringify([JSON.parse(b.value)]));init={method:'POST',body:fd};}
else{const rows=boxes.map((b)=>JSON.parse(b.value));const inst=boxes.length===1?rows[0]:Object.fromEntries(boxes.map((b,i)=>[b.name,rows[i]]));
init={method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({instances:[inst]})};}}
catch(err){out.textContent='Not valid JSON: '+err.message;return;}
const t0=performance.now();try{const r=await fetch('/predict',init);const text=await r.text();
let shown=text;try{shown=JSON.stringify(JSON.parse(text),null,2);}catch{}
out.textContent='HTTP '+r.status+' in '+Math.round(performance.now()-t0)+' ms\\n'+shown;}catch(err){out.textContent='Request failed: '+err.message;}});`;

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const HOME_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function homeHtml(model: ModelInfo, base: string): string {
  const fields = model.inputs.map((input) => {
    const id = `in-${input.name.replace(/[^\w-]/g, '_')}`;
    if (model.imageInputs.has(input.name)) {
      return `<label for="${esc(id)}">${esc(input.name)} <span class="muted">(image: PNG or JPEG)</span></label><input type="file" accept="image/png,image/jpeg" id="${esc(id)}" name="${esc(input.name)}">`;
    }
    const row = exampleRow(input);
    return `<label for="${esc(id)}">${esc(input.name)} <span class="muted">${esc(describeIo(input))}, one example as JSON</span></label><textarea id="${esc(id)}" name="${esc(input.name)}" spellcheck="false">${esc(row === null ? '' : JSON.stringify(row))}</textarea>`;
  }).join('\n');
  const rows = (list: ModelInfo['inputs']) => list.map((t) => `<tr><td><code>${esc(t.name)}</code></td><td>${esc(describeIo(t))}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(model.name)} - ModelDock model server</title><style>${STYLE}</style></head><body>
<h1>${esc(model.name)} <span class="muted">version ${esc(model.version)}</span></h1>
<p class="muted">${esc(model.description ?? 'A model served by ModelDock.')}</p>
<h2>Try it</h2><form id="try">${fields}<br><button type="submit">Predict</button></form><pre id="out" aria-live="polite"></pre>
<h2>Inputs and outputs</h2><table><tr><th>Input</th><th>Type and shape</th></tr>${rows(model.inputs)}</table>
<table><tr><th>Output</th><th>Type and shape</th></tr>${rows(model.outputs)}</table>
${model.labels ? `<p>Classes: ${esc(model.labels.join(', '))}</p>` : ''}
<h2>From code</h2><pre>${esc(curlLines(model, base).join('\n\n'))}</pre>
<p class="muted">API description: <a href="/openapi.json">/openapi.json</a> &middot; metrics: <a href="/metrics">/metrics</a> &middot; health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></p>
<script>${SCRIPT}</script></body></html>`;
}

export function homeText(model: ModelInfo, base: string): string {
  const list = (items: ModelInfo['inputs']) => items.map((t) => `  ${t.name}: ${describeIo(t)}`).join('\n');
  return [
    `${model.name} (version ${model.version}) - a model served by ModelDock.`,
    model.description ?? '',
    `Inputs:\n${list(model.inputs)}`,
    `Outputs:\n${list(model.outputs)}`,
    model.labels ? `Classes: ${model.labels.join(', ')}` : '',
    `Try it:\n${curlLines(model, base).join('\n\n')}`,
    'Also: /v1/models (TF Serving / KServe V1), /v2 (Open Inference Protocol), /openapi.json, /metrics, /healthz, /readyz',
  ].filter(Boolean).join('\n\n') + '\n';
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlLines(model: ModelInfo, base: string): string[] {
  const lines: string[] = [];
  const lesson = lessonExample(model);
  if (model.imageInputs.size === 1 && model.inputs.length === 1) {
    const name = [...model.imageInputs.keys()][0];
    lines.push(`# an image file (PNG or JPEG)\ncurl -s ${base}/predict -F ${quote(`${name}=@photo.jpg`)}`);
    lines.push(`curl -s ${base}/predict -H 'Content-Type: image/jpeg' --data-binary @photo.jpg`);
    lines.push(`# the image base64 in JSON, as TF Serving clients send it
{ printf '{"instances": [{"b64": "'; base64 < photo.jpg | tr -d '\\n'; printf '"}]}'; } | curl -s ${base}/v1/models/${encodeURIComponent(model.name)}:predict -H 'Content-Type: application/json' --data-binary @-`);
  }
  if (lesson) lines.push(`# JSON, as the Flask lesson's client sends it\ncurl -s ${base}/predict -H 'Content-Type: application/json' -d ${quote(JSON.stringify(lesson))}`);
  const v2 = v2Example(model);
  if (v2) lines.push(`# V2 Open Inference Protocol\ncurl -s ${base}/v2/models/${encodeURIComponent(model.name)}/infer -H 'Content-Type: application/json' -d ${quote(JSON.stringify(v2))}`);
  if (lesson) lines.push(`# TF Serving / KServe V1\ncurl -s ${base}/v1/models/${encodeURIComponent(model.name)}:predict -H 'Content-Type: application/json' -d ${quote(JSON.stringify(lesson))}`);
  if (!lines.length) lines.push(`curl -s ${base}/v2/models/${encodeURIComponent(model.name)}   # the inputs, then POST .../infer`);
  return lines;
}
