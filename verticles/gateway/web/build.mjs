// Bundles the browser client into one static site: app.js + app.css (esbuild), index.html, api.html + api.css, favicon,
// and the sockjs-client library for SockJS's iframe page.
// Also the operator dashboard (src/ops/, with uPlot) into its own folder, which only the admin listener serves.
// Usage: node build.mjs [--out=DIR] [--ops-out=DIR]   (defaults: dist/, dist-ops/)
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.find((a) => a.startsWith('--out='));
const out = resolve(outArg ? outArg.slice('--out='.length) : join(here, 'dist'));
const opsArg = process.argv.find((a) => a.startsWith('--ops-out='));
const opsOut = resolve(opsArg ? opsArg.slice('--ops-out='.length) : join(here, 'dist-ops'));

/** Empties {@code outdir} and bundles {@code entry} (and the CSS it imports) into it, minified, for browsers. */
async function bundle(entry, outdir, options = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'linked',
    outdir,
    logLevel: 'warning',
    ...options,
  });
}

// sockjs-client still reads Node's `global`.
await bundle(join(here, 'src', 'app.js'), out, { define: { global: 'globalThis' } });

for (const file of ['api.html', 'api.css', 'favicon.svg']) {
  copyFileSync(join(here, 'src', file), join(out, file));
}
// SockJS's iframe page (/eventbus/iframe.html) loads the library from the jar, not from a CDN.
copyFileSync(join(here, 'node_modules', 'sockjs-client', 'dist', 'sockjs.min.js'), join(out, 'sockjs.min.js'));
// The gateway lets browsers cache static files: a content hash in each asset URL makes a new build load anew.
const version = (file) => createHash('sha256').update(readFileSync(join(out, file))).digest('hex').slice(0, 12);
const index = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replace('/app.js"', `/app.js?v=${version('app.js')}"`)
  .replace('/app.css"', `/app.css?v=${version('app.css')}"`);
writeFileSync(join(out, 'index.html'), index);
console.log(`web client built into ${out}`);

await bundle(join(here, 'src', 'ops', 'ops.js'), opsOut);
copyFileSync(join(here, 'src', 'ops', 'index.html'), join(opsOut, 'index.html'));
console.log(`operator dashboard built into ${opsOut}`);
