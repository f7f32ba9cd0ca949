// Bundles the portal's browser code into dist/: one file per page script, minified, no source maps.
// Run by the Huilian.Portal build (npm ci, then npm run build); the files are embedded into the assembly.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

// src/NAME.entry.js becomes dist/NAME.js.
const entries = Object.fromEntries(readdirSync('src').filter((f) => f.endsWith('.entry.js')).map((f) => [f.slice(0, -'.entry.js'.length), `src/${f}`]));
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
