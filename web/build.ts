import { build } from 'esbuild';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = path.join(WEB_DIR, 'public');

/** Where `tsx web/build.ts` puts the site (git-ignored). */
export const DEFAULT_OUT_DIR = path.join(WEB_DIR, 'dist');

/** One script per page, plus the shared style sheet; each HTML page in public/ names its own. */
const ENTRY_POINTS = {
  index: 'src/pages/index.ts',
  rate: 'src/pages/rate.ts',
  supervisor: 'src/pages/supervisor.ts',
  style: 'src/style.css',
};

/** Browsers of the phones citizens carry: `:has()` and ES2022 need Safari 15.4 / Chrome 105. */
const TARGET = ['chrome105', 'edge105', 'firefox110', 'safari15.4'];

/**
 * Builds the pages into `outDir`: bundles each page's script (ESM, minified, shared chunks split out,
 * linked source maps) and the style sheet under `assets/` with content hashes in their names, then copies
 * the HTML and static files of web/public, pointing them at the hashed names. Everything in `assets/` may be
 * cached forever; the HTML and `config.json` (written by whoever serves the site, not here) may not.
 * Empties `outDir` first. Used by the local runtime and by CDK.
 */
export async function buildWeb(outDir: string = DEFAULT_OUT_DIR): Promise<void> {
  const out = path.resolve(outDir);
  const repoRoot = path.dirname(WEB_DIR);
  if ([path.parse(out).root, repoRoot, WEB_DIR, PUBLIC_DIR].includes(out)) {
    throw new Error(`buildWeb: refusing to empty ${out}; pass a dedicated output directory`);
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const result = await build({
    absWorkingDir: WEB_DIR,
    entryPoints: Object.entries(ENTRY_POINTS).map(([name, file]) => ({ in: file, out: name })),
    outdir: out,
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });

  const hashed = new Map<string, string>();
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint || file.endsWith('.map')) continue;
    const name = Object.entries(ENTRY_POINTS).find(([, src]) => path.resolve(WEB_DIR, src) === path.resolve(WEB_DIR, meta.entryPoint ?? ''))?.[0];
    if (name) hashed.set(`assets/${name}${path.extname(file)}`, path.relative(out, path.resolve(WEB_DIR, file)).split(path.sep).join('/'));
  }

  await cp(PUBLIC_DIR, out, { recursive: true, filter: (src) => !src.endsWith('.html') });
  for (const file of await readdir(PUBLIC_DIR)) {
    if (!file.endsWith('.html')) continue;
    const html = await readFile(path.join(PUBLIC_DIR, file), 'utf8');
    const linked = html.replace(/((?:src|href)=")(assets\/[\w-]+\.(?:js|css))"/g, (_, attr: string, ref: string) => {
      const target = hashed.get(ref);
      if (!target) throw new Error(`buildWeb: ${file} refers to ${ref}, which no entry point builds`);
      return `${attr}${target}"`;
    });
    await writeFile(path.join(out, file), linked);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ?? DEFAULT_OUT_DIR;
  const started = Date.now();
  await buildWeb(outDir);
  console.log(`web: built ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms`);
}
