/**
 * An esbuild plugin that swaps src/framework/schema/compiled.ts, which compiles the schemas with
 * Ajv when it loads, for the same validators prepared ahead of time (the schemas as data for
 * interpret.ts, from scripts/generate-validators.ts, generated afresh on every build). Used by
 * build-desktop.mjs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'src', 'framework', 'schema');

/** @type {import('esbuild').Plugin} */
export const aheadOfTimeValidators = {
  name: 'ahead-of-time-validators',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]framework[\\/]schema[\\/]compiled\.ts$/ }, () => ({
      // A failing generator fails the build: the bundle never ships stale validators.
      contents: execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'generate-validators.ts')], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }),
      loader: 'js',
      resolveDir: schemaDir,
      // Watch mode regenerates when a schema changes.
      watchFiles: readdirSync(schemaDir).map((name) => join(schemaDir, name)),
    }));
  },
};
