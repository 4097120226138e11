/**
 * bundle.desktop: the size of the desktop page's script as `npm run build` makes it
 * (scripts/build-desktop.mjs: esbuild, minified, validators prepared ahead of time), in bytes and
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
  outputs: Record<string, MetaOutput>;
}
interface MetaOutput {
  bytes: number;
  entryPoint?: string;
  inputs: Record<string, { bytesInOutput: number }>;
  imports?: { path: string; kind: string }[];
}

/** The output files a page loads before it runs: the entry and the chunks it imports statically (not the lazy ones, e.g. JsSIP). */
function loadedAtStart(meta: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of meta.outputs[file]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return [...seen];
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
    const meta = JSON.parse(await readFile(metafilePath, 'utf8')) as Metafile;
    const entry = Object.keys(meta.outputs).find((file) => file.endsWith('desktop.js'));
    if (!entry) throw new Error('bundle.desktop: the build wrote no desktop.js');
    // What the page loads at start: desktop.js and the chunks it imports statically, in one buffer.
    const files = loadedAtStart(meta, entry);
    const script = Buffer.concat(await Promise.all(files.map((file) => readFile(join(ROOT, file)))));
    const inputs: Record<string, { bytesInOutput: number }> = {};
    for (const file of files) for (const [name, info] of Object.entries(meta.outputs[file]?.inputs ?? {})) inputs[name] = { bytesInOutput: (inputs[name]?.bytesInOutput ?? 0) + info.bytesInOutput };
    // Loaded later, by dynamic imports (the browser phone and its SIP stack, the embedded variant's host), and what they import.
    const lazy = new Set<string>();
    const visitLazy = (file: string) => {
      for (const imported of meta.outputs[file]?.imports ?? []) {
        if (files.includes(imported.path) || lazy.has(imported.path)) continue;
        lazy.add(imported.path);
        visitLazy(imported.path);
      }
    };
    for (const file of files) visitLazy(file);
    const lazyKB = [...lazy].reduce((n, file) => n + (meta.outputs[file]?.bytes ?? 0) / KB, 0);
    if (script.length === 0) throw new Error('bundle.desktop: desktop.js is empty');

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
        filesAtStart: files.map((file) => file.split('/').at(-1)),
        lazyChunksKB: Number(lazyKB.toFixed(1)),
        lazyChunks: [...lazy].map((file) => file.split('/').at(-1)),
        largestContributors: contributors(inputs),
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
