/**
 * bundle.desktop: the size of the desktop page's script as `npm run build` makes it
 * (scripts/build-desktop.mjs: esbuild, minified, validators compiled ahead of time), in bytes and
 * gzipped; and the same entry bundled with the validators compiled by Ajv in the page, as the
 * bundle was before, for comparison. The largest contributors come from esbuild's metafile.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** kB as the build prints them: 1,024 bytes. */
const GOAL_KB = 120;
const KB = 1024;

interface Metafile {
  outputs: Record<string, { bytes: number; entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Bytes in the bundle per package (node_modules) or source folder, largest first. */
function contributors(inputs: Record<string, { bytesInOutput: number }>): Record<string, number> {
  const totals = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const inPackage = file.split('node_modules/')[1];
    const key = inPackage ? inPackage.split('/').slice(0, inPackage.startsWith('@') ? 2 : 1).join('/') : file.split('/').slice(0, 3).join('/');
    totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, 12));
}

async function desktopBundle({ log }: SuiteOptions): Promise<BenchmarkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'opencti-bundle-'));
  try {
    const metafilePath = join(dir, 'meta.json');
    log('bundle.desktop: node scripts/build-desktop.mjs');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-desktop.mjs'), '--metafile', metafilePath], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const script = await readFile(join(ROOT, 'dist', 'desktop', 'assets', 'desktop.js'));
    const meta = JSON.parse(await readFile(metafilePath, 'utf8')) as Metafile;
    const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('desktop.js'))?.[1];
    if (!output || script.length === 0) throw new Error('bundle.desktop: the build wrote no desktop.js');

    // The page with its validators compiled by Ajv at load time, for comparison.
    const before = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [join(ROOT, 'src', 'desktop', 'desktop-main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
      minify: true,
      legalComments: 'none',
      write: false,
      logLevel: 'warning',
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
    });
    const beforeBytes = before.outputFiles[0]?.contents ?? new Uint8Array();

    const minifiedKB = script.length / KB;
    const gzipKB = gzipSync(script).length / KB;
    return {
      name: 'bundle.desktop',
      values: {
        minifiedBytes: script.length,
        gzipBytes: gzipSync(script).length,
        minifiedKB: Number(minifiedKB.toFixed(1)),
        gzipKB: Number(gzipKB.toFixed(1)),
        runtimeCompiledMinifiedKB: Number((beforeBytes.length / KB).toFixed(1)),
        runtimeCompiledGzipKB: Number((gzipSync(beforeBytes).length / KB).toFixed(1)),
      },
      goal: { minifiedKBAtMost: GOAL_KB },
      meetsGoal: minifiedKB <= GOAL_KB,
      details: {
        missedByKB: Number(Math.max(0, minifiedKB - GOAL_KB).toFixed(1)),
        unit: 'kB = 1,024 bytes, as scripts/build-desktop.mjs prints them',
        largestContributors: contributors(output.inputs),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const bundleSuite: BenchmarkSuite = {
  name: 'bundle',
  description: "The desktop page's script as the build makes it: minified and gzipped size, against the same page compiling its validators at load time",
  async run(options) {
    return [await desktopBundle(options)];
  },
};
