#!/usr/bin/env node
/**
 * Builds the CSR desktop and the caller simulator into dist/desktop/: one ES module bundle per
 * page (esbuild) and the HTML pages beside them. The server serves this folder at / and /simulator.
 * Also assets/pega.js: the pega namespace as a classic script (IIFE), which a page hosting a Pega
 * implementation file loads by a <script> tag before the vendor's files (docs/pega-hosting.md).
 *
 *   node scripts/build-desktop.mjs            build once (minified, with source maps)
 *   node scripts/build-desktop.mjs --watch    rebuild on change
 *   node scripts/build-desktop.mjs --metafile FILE   also write esbuild's metafile (what each bundle holds)
 *
 * The framework's schema validators are prepared ahead of time for the bundle (by
 * scripts/generate-validators.ts, afresh on every build): the page gets the schemas as plain data
 * and a small interpreter of them (src/framework/schema/interpret.ts), not Ajv nor TypeBox.
 */
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { aheadOfTimeValidators } from './validators-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'desktop');
const out = join(root, 'dist', 'desktop');
const watch = process.argv.includes('--watch');
const metafileAt = process.argv.indexOf('--metafile');
const metafile = metafileAt === -1 ? undefined : process.argv[metafileAt + 1];
if (metafileAt !== -1 && !metafile) throw new Error('--metafile needs a file name');

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: root,
  entryPoints: {
    desktop: join(source, 'desktop-main.ts'),
    simulator: join(source, 'simulator-main.ts'),
    supervisor: join(source, 'supervisor-main.ts'),
  },
  outdir: join(out, 'assets'),
  bundle: true,
  format: 'esm',
  // The browser phone's SIP stack (JsSIP) is a chunk of its own, loaded only by a page that becomes a phone.
  splitting: true,
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  minify: !watch,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
  plugins: [aheadOfTimeValidators],
};

/** The pega namespace: a classic script, since vendor files are classic scripts that run before modules. */
/** @type {import('esbuild').BuildOptions} */
const pegaOptions = {
  ...options,
  entryPoints: { pega: join(root, 'src', 'pega', 'browser.ts') },
  format: 'iife',
  splitting: false,
};

async function copyPages() {
  const pages = join(source, 'pages');
  for (const name of await readdir(pages)) await copyFile(join(pages, name), join(out, name));
}

// tsc also writes src/desktop's modules under dist/desktop (for hosts that bundle the components
// themselves): only the bundles and the pages are replaced here.
await rm(join(out, 'assets'), { recursive: true, force: true });
await mkdir(out, { recursive: true });
await copyPages();
if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  await (await esbuild.context(pegaOptions)).watch();
  console.log(`watching src/desktop → ${out}`);
} else {
  const results = await Promise.all([esbuild.build({ ...options, metafile: true }), esbuild.build({ ...pegaOptions, metafile: true })]);
  if (metafile) await writeFile(metafile, JSON.stringify(results[0].metafile));
  const bytes = results
    .flatMap((result) => Object.entries(result.metafile.outputs))
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, info]) => `${file.replace(`${root}/`, '')} ${(info.bytes / 1024).toFixed(1)} kB`);
  console.log(`desktop built: ${bytes.join(', ')}`);
}
