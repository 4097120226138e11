#!/usr/bin/env node
/**
 * Makes the examples' files that are built from others: examples/pega-connector/demo-pbx.js, the
 * plain script a page loads by a <script> tag, bundled (esbuild, IIFE) from demo-pbx.module.js and
 * the callback example's PBX, so that the PBX is written once. The result is committed, so the
 * Pega example needs no build step where it is copied to.
 *
 *   node scripts/build-examples.mjs           write the files
 *   node scripts/build-examples.mjs --check   exit 1, naming the files, if a committed file is not what the build makes
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pega = join(root, 'examples', 'pega-connector');

const BANNER = `/*
 * Acme demo PBX: a tiny in-memory PBX with an ACD agent table, the "CTI server" the Acme
 * connector (connector.js) talks to. A plain script, like a vendor SDK file: load it by a
 * <script> tag before connector.js (or evaluate it in Node); it defines the global AcmeDemoPbx.
 *
 * Made by \`npm run build\` (scripts/build-examples.mjs) from demo-pbx.module.js and
 * ../callback-connector/demo-pbx.js, where the PBX is written and documented: do not edit.
 */`;

/** @type {{ out: string, options: import('esbuild').BuildOptions }[]} */
const builds = [
  {
    out: join(pega, 'demo-pbx.js'),
    options: {
      absWorkingDir: root,
      entryPoints: [join(pega, 'demo-pbx.module.js')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2022'],
      legalComments: 'none',
      banner: { js: BANNER },
      charset: 'utf8',
      write: false,
      logLevel: 'warning',
    },
  },
];

const check = process.argv.includes('--check');
const stale = [];
for (const { out, options } of builds) {
  const [file] = (await esbuild.build(options)).outputFiles;
  let committed = '';
  try {
    committed = readFileSync(out, 'utf8');
  } catch {
    // not made yet
  }
  if (committed === file.text) continue;
  if (check) stale.push(relative(root, out));
  else writeFileSync(out, file.text);
}
if (stale.length > 0) {
  console.error(`not what \`npm run build\` makes (run it and commit the result): ${stale.join(', ')}`);
  process.exit(1);
}
