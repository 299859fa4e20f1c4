#!/usr/bin/env node
// The `modeldock` command. Runs the built CLI; in a fresh checkout whose build has not run yet, says how.
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'modeldock.js');
if (!fs.existsSync(built)) {
  console.error('modeldock: the CLI is not built yet. Run `npm install` (it builds) or `npm run build` in ' + path.dirname(__dirname) + '.');
  process.exit(2);
}
require(built);
