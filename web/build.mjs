// Builds the dashboard into dist/web: one bundled script (Preact, Chart.js, the domain's permission table), one
// stylesheet and index.html. esbuild, so `npm start` pays well under a second for it.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'web');
await mkdir(out, { recursive: true });
const started = performance.now();
await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(here, 'tsconfig.json'),
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(join(here, 'src', 'index.html'), join(out, 'index.html'));
await copyFile(join(here, 'src', 'styles.css'), join(out, 'app.css'));
console.log(`web: built dist/web in ${Math.round(performance.now() - started)} ms`);
