// The licence texts of the npm packages a bundle contains. esbuild drops their legal comments from the bundles
// (legalComments: 'none'), and the serving runtime goes into every image a user ships, so the notices travel beside
// it as THIRD_PARTY_NOTICES.txt: each package's name, version and declared licence, then its licence files.
import * as fs from 'node:fs';
import * as path from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)|^licen[cs]e\.[a-z]+\.md$/i;

/** The package folders (node_modules/<name> or node_modules/@scope/<name>) an esbuild metafile's inputs come from. */
export function bundledPackages(metafile, root) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join('/'));
    if (match) dirs.add(path.resolve(root, match[1]));
  }
  return [...dirs];
}

/** Licence files in the package's folder and one level below it (a codec's own licence, for example). */
function licenceFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && LICENSE_FILE.test(entry.name)) found.push(path.join(dir, entry.name));
    else if (entry.isDirectory() && entry.name !== 'node_modules') {
      for (const inner of fs.readdirSync(path.join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile() && LICENSE_FILE.test(inner.name)) found.push(path.join(dir, entry.name, inner.name));
      }
    }
  }
  return found.sort();
}

export function writeNotices(packageDirs, outFile, title) {
  const packages = [...new Set(packageDirs)]
    .map((dir) => ({ dir, pkg: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
  const rule = '='.repeat(78);
  let text = `${title}\n\nThese open-source packages are part of it, under their own licences.\n`;
  for (const { dir, pkg } of packages) {
    const declared = typeof pkg.license === 'string' ? pkg.license : 'not declared';
    text += `\n${rule}\n${pkg.name} ${pkg.version} (licence: ${declared})\n${rule}\n`;
    const files = licenceFiles(dir);
    if (!files.length) text += `The package ships no licence file; its package.json declares ${declared}.\n`;
    for (const file of files) text += `\n--- ${path.relative(dir, file)} ---\n${fs.readFileSync(file, 'utf8').trim()}\n`;
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, text);
  return packages.map((p) => p.pkg.name);
}
