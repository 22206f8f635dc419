import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { PAGES, buildWeb } from '../../web/build';

/**
 * What a page costs a phone: the JavaScript its HTML loads — the page's entry plus every chunk that entry
 * imports, transitively — in bytes and gzipped (level 9, as size-budget tools measure), read from
 * buildWeb's metafile and output. A size budget for `npm run bench`, not a timing.
 */

/** The directory buildWeb bundles from: the metafile's paths are relative to it. */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

export type PageName = keyof typeof PAGES;

export interface PageScripts {
  page: PageName;
  /** The output files, relative to the metafile's working directory, entry first. */
  files: string[];
  bytes: number;
  gzipBytes: number;
  /** The source files bundled into them with their minified bytes, largest first (paths as in the metafile). */
  inputs: { path: string; bytes: number }[];
}

/** A finished build to measure: buildWeb's metafile. */
export interface WebBuild {
  metafile: Metafile;
}

/** The JavaScript files a page loads: its entry's output and every chunk reached through its imports. */
export function pageScriptFiles(metafile: Metafile, page: PageName): string[] {
  const entry = path.resolve(WEB_DIR, PAGES[page].entry);
  const start = Object.entries(metafile.outputs).find(
    ([file, out]) => file.endsWith('.js') && out.entryPoint !== undefined && path.resolve(WEB_DIR, out.entryPoint) === entry,
  )?.[0];
  if (!start) throw new Error(`pageScriptFiles: no output for ${PAGES[page].entry}`);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Static and dynamic imports alike: a chunk the page may load counts against its budget.
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.external || !imported.path.endsWith('.js')) continue;
      visit(imported.path);
    }
  };
  visit(start);
  return [...seen];
}

/** The size of a page's JavaScript in a build (its files are read from where buildWeb wrote them). */
export function measurePageScripts(build: WebBuild, page: PageName): PageScripts {
  const files = pageScriptFiles(build.metafile, page);
  let bytes = 0;
  let gzipBytes = 0;
  const inputs = new Map<string, number>();
  for (const file of files) {
    const content = readFileSync(path.resolve(WEB_DIR, file));
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length;
    for (const [input, { bytesInOutput }] of Object.entries(build.metafile.outputs[file]?.inputs ?? {})) {
      if (bytesInOutput > 0) inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
    }
  }
  return {
    page,
    files,
    bytes,
    gzipBytes,
    inputs: [...inputs].map(([p, b]) => ({ path: p, bytes: b })).sort((a, b) => b.bytes - a.bytes),
  };
}

/** Builds the site into a temporary directory and measures every named page (all pages by default). */
export async function measurePages(pages: readonly PageName[] = Object.keys(PAGES) as PageName[]): Promise<PageScripts[]> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'pingyi-page-size-'));
  try {
    const build = await buildWeb(outDir);
    return pages.map((page) => measurePageScripts(build, page));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The gzipped size in bytes of the JavaScript `page`.html loads (builds the site once to find out). */
export async function pageScriptGzipBytes(page: PageName): Promise<number> {
  const [measured] = await measurePages([page]);
  return measured!.gzipBytes;
}

/** The budget the issue sets for the citizens' rate page: its JavaScript, gzipped. */
export const RATE_PAGE_BUDGET_GZIP_BYTES = 30 * 1024;
