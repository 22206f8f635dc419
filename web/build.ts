import { build, type Metafile, type Plugin } from 'esbuild';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = path.join(WEB_DIR, 'public');

/** Where `tsx web/build.ts` puts the site (git-ignored). */
export const DEFAULT_OUT_DIR = path.join(WEB_DIR, 'dist');

/**
 * Every page of the site: its script (a Preact component mounted into `#app`) and its title before the
 * script has run. The HTML of each is generated here from one template, so no page can miss the CSP-safe
 * script tag, the viewport, the referrer policy or the no-JavaScript notice.
 */
export const PAGES = {
  index: { entry: 'src/pages/home/index.tsx', title: '公共服务单位满意度评议', citizen: true },
  rate: { entry: 'src/pages/evaluation/rate.tsx', title: '评议', citizen: true },
  supervisor: { entry: 'src/pages/tallies/supervisor.tsx', title: '评议统计', wide: true },
  dashboard: { entry: 'src/pages/tallies/dashboard.tsx', title: '评议看板', wide: true },
  'sign-in': { entry: 'src/pages/sign-in.tsx', title: '登录' },
  'admin-units': { entry: 'src/pages/admin/units.tsx', title: '单位管理', wide: true },
  'admin-periods': { entry: 'src/pages/admin/periods.tsx', title: '评议期管理', wide: true },
  'admin-forms': { entry: 'src/pages/admin/forms.tsx', title: '评议表管理', wide: true },
  'admin-form': { entry: 'src/pages/admin/form-editor.tsx', title: '编辑评议表', wide: true },
  'form-links': { entry: 'src/pages/admin/form-links.tsx', title: '评议二维码', wide: true },
  'admin-invitations': { entry: 'src/pages/admin/invitations.tsx', title: '邀请链接', wide: true },
  'invitation-sheet': { entry: 'src/pages/admin/invitation-sheet.tsx', title: '邀请二维码', wide: true },
  'case-settings': { entry: 'src/pages/admin/case-settings.tsx', title: '办理时限与工作日历', wide: true },
  'admin-briefing-settings': { entry: 'src/pages/admin/briefing-settings.tsx', title: '简报设置' },
  'admin-audit': { entry: 'src/pages/admin/audit.tsx', title: '审计链核验' },
  appeals: { entry: 'src/pages/review/appeals.tsx', title: '评价与申诉', wide: true },
  complain: { entry: 'src/pages/cases/complain.tsx', title: '投诉、求助与咨询', citizen: true },
  track: { entry: 'src/pages/cases/track.tsx', title: '办理进度查询', citizen: true },
  'follow-up': { entry: 'src/pages/cases/follow-up.tsx', title: '差评整改回访', citizen: true },
  counted: { entry: 'src/pages/disclosure/counted.tsx', title: '我的评价计入了吗', citizen: true },
  disclosure: { entry: 'src/pages/disclosure/disclosure.tsx', title: '公示', citizen: true },
  disclosures: { entry: 'src/pages/disclosure/disclosures.tsx', title: '公示审核', wide: true },
  cases: { entry: 'src/pages/cases/inbox.tsx', title: '来件办理', wide: true },
  case: { entry: 'src/pages/cases/case.tsx', title: '来件详情', wide: true },
  ledger: { entry: 'src/pages/ledger/ledger.tsx', title: '整改台账', wide: true },
  'ledger-item': { entry: 'src/pages/ledger/item.tsx', title: '台账事项', wide: true },
  briefings: { entry: 'src/pages/briefings/briefings.tsx', title: '简报与月报告', wide: true },
} as const satisfies Record<string, { entry: string; title: string; wide?: boolean; citizen?: boolean }>;

const STYLE_ENTRY = 'src/style.css';

function pageHtml(name: string, page: { title: string; wide?: boolean }, script: string, style: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light">
  <meta name="referrer" content="no-referrer">
  <title>${page.title} · 评议</title>
  <link rel="icon" href="favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${style}">
  <script type="module" src="${script}"></script>
</head>
<body class="page-${name}${'wide' in page && page.wide ? ' wide' : ''}">
  <div id="app"><main id="main"><p class="muted">正在加载… / Loading…</p></main></div>
  <noscript><p class="notice notice-error">本页需要启用 JavaScript。This page needs JavaScript.</p></noscript>
</body>
</html>
`;
}

/** Browsers of the phones citizens carry: `:has()` and ES2022 need Safari 15.4 / Chrome 105. */
const TARGET = ['chrome105', 'edge105', 'firefox110', 'safari15.4'];

const ROUTES_DIR = path.resolve(WEB_DIR, '../functions/routes');
/** The route modules whose entries the pages call; route.ts and params.ts are bundled as they are. */
const ROUTE_MODULES = /[\\/]functions[\\/]routes[\\/](evaluation|units|platform|admission|review|cases|briefings|ledger|disclosure|audit)(\.ts)?$/;

interface RouteLike {
  operationId: string;
  method: string;
  path: string;
  access: unknown;
}
const isRoute = (value: unknown): value is RouteLike =>
  typeof value === 'object' && value !== null && ['operationId', 'method', 'path', 'access'].every((k) => k in value);

/**
 * The pages call the API through the route table's own entries (functions/routes/<context>.ts), whose
 * schemas type the API client; at run time a page needs only each route's operationId, method, path and
 * access. A page's import of a route module is served those fields of every route in it, read from the
 * real module at build time: one route table still, and no phone downloads — or builds — the schemas of the
 * routes it calls.
 */
function routeEntriesOnly(): Plugin {
  return {
    name: 'route-entries-only',
    setup(b) {
      b.onResolve({ filter: ROUTE_MODULES }, (args) => {
        const file = path.resolve(args.resolveDir, args.path.endsWith('.ts') ? args.path : `${args.path}.ts`);
        return path.dirname(file) === ROUTES_DIR ? { path: file, namespace: 'route-entries' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'route-entries' }, async (args) => {
        const module = (await import(pathToFileURL(args.path).href)) as Record<string, unknown>;
        const entries = Object.entries(module)
          .filter((entry): entry is [string, RouteLike] => isRoute(entry[1]))
          .map(([name, r]) => `export const ${name} = ${JSON.stringify({ operationId: r.operationId, method: r.method, path: r.path, access: r.access })};`);
        return { contents: entries.join('\n'), loader: 'js', watchFiles: [args.path] };
      });
    },
  };
}

/** Bundles a group of entry points (name, source) into `out`, sharing chunks within the group only. */
function bundle(out: string, group: [string, string][]) {
  return build({
    absWorkingDir: WEB_DIR,
    entryPoints: group.map(([name, file]) => ({ in: file, out: name })),
    outdir: out,
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [routeEntriesOnly()],
  });
}

/**
 * Builds the pages into `outDir`: bundles each page's script (ESM, minified, linked source maps; the staff
 * pages share chunks, each citizens' page is whole on its own) and the style sheet under `assets/` with content hashes in their names, writes each
 * page's HTML pointing at them, and copies the static files of web/public. Everything in `assets/` may be
 * cached forever; the HTML and `config.json` (written by whoever serves the site, not here) may not.
 * Empties `outDir` first. Used by the local runtime, by CDK and by the benchmark (which reads the metafile).
 */
export async function buildWeb(outDir: string = DEFAULT_OUT_DIR): Promise<{ metafile: Metafile; built: Map<string, string> }> {
  const out = path.resolve(outDir);
  const repoRoot = path.dirname(WEB_DIR);
  if ([path.parse(out).root, repoRoot, WEB_DIR, PUBLIC_DIR].includes(out)) {
    throw new Error(`buildWeb: refusing to empty ${out}; pass a dedicated output directory`);
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const entries = { ...Object.fromEntries(Object.entries(PAGES).map(([name, page]) => [name, page.entry])), style: STYLE_ENTRY };
  // Each citizens' page is bundled on its own; the staff pages together, sharing chunks. esbuild assigns
  // shared code to chunks by whole files, so in one build a file that the rate page and an admin page both
  // import brings along everything the admin page uses of it (all of zod/mini, the whole route table and
  // domain): a citizen's phone would load the staff pages' code, and the rate page would grow with them.
  const isCitizen = (name: string) => 'citizen' in (PAGES[name as keyof typeof PAGES] ?? {});
  const groups = [
    ...Object.entries(entries).filter(([name]) => isCitizen(name)).map((entry) => [entry]),
    Object.entries(entries).filter(([name]) => !isCitizen(name)),
  ];
  const results = await Promise.all(groups.map((group) => bundle(out, group)));
  const result = {
    metafile: {
      inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)) as Metafile['inputs'],
      outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) as Metafile['outputs'],
    },
  };

  // The hashed output of each entry point, by entry name.
  const built = new Map<string, string>();
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint || file.endsWith('.map')) continue;
    const name = Object.entries(entries).find(([, src]) => path.resolve(WEB_DIR, src) === path.resolve(WEB_DIR, meta.entryPoint ?? ''))?.[0];
    if (name) built.set(name, path.relative(out, path.resolve(WEB_DIR, file)).split(path.sep).join('/'));
  }
  const style = built.get('style');
  if (!style) throw new Error('buildWeb: the style sheet was not built');

  await cp(PUBLIC_DIR, out, { recursive: true });
  for (const [name, page] of Object.entries(PAGES)) {
    const script = built.get(name);
    if (!script) throw new Error(`buildWeb: ${page.entry} was not built`);
    await writeFile(path.join(out, `${name}.html`), pageHtml(name, page, script, style));
  }
  return { metafile: result.metafile, built };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ?? DEFAULT_OUT_DIR;
  const started = Date.now();
  await buildWeb(outDir);
  console.log(`web: built ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms`);
}
