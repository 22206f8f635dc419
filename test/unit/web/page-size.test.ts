import { beforeAll, describe, expect, it } from 'vitest';
import { RATE_PAGE_BUDGET_GZIP_BYTES, measurePages, type PageScripts } from '../../bench/page-size';

/**
 * The size budget the issue sets for the citizens' rate page: the JavaScript rate.html loads (its entry and
 * every chunk it imports), gzipped, measured from buildWeb's metafile. A size, not a time: it does not flake.
 */
describe('the JavaScript of rate.html', () => {
  let rate: PageScripts;

  beforeAll(async () => {
    [rate] = (await measurePages(['rate'])) as [PageScripts];
  }, 60_000);

  it('carries no staff-only code: no zod classic, no oauth4webapi, no chart library, no staff shell', () => {
    const staffOnly = rate.inputs.filter(({ path }) =>
      /node_modules\/zod\/v4\/classic\/|node_modules\/(oauth4webapi|echarts|zrender)\/|src\/app\/(oidc\.ts|components\/staff-shell\.tsx)$|src\/pages\/(admin|tallies)\//.test(path),
    );
    expect(staffOnly).toEqual([]);
  });

  it('stays within its budget of 30 KB gzipped', () => {
    const largest = rate.inputs
      .slice(0, 12)
      .map((i) => `${i.path.replace(/^.*node_modules\//, '')} ${(i.bytes / 1024).toFixed(1)} KB`)
      .join(', ');
    expect(rate.gzipBytes, `rate.html loads ${(rate.gzipBytes / 1024).toFixed(1)} KB gzipped; largest inputs (minified): ${largest}`).toBeLessThanOrEqual(
      RATE_PAGE_BUDGET_GZIP_BYTES,
    );
  });
});

/**
 * ECharts (with zrender under it) is the heaviest library of the site; only the dashboard draws charts, so
 * only the JavaScript dashboard.html loads may hold it — no other page, citizens' or staff, pays for it.
 */
describe('the chart library', () => {
  let pages: PageScripts[];

  beforeAll(async () => {
    pages = await measurePages();
  }, 60_000);

  it('is loaded by the dashboard and by no other page', () => {
    const withCharts = pages.filter((p) => p.inputs.some(({ path }) => /node_modules\/(echarts|zrender)\//.test(path))).map((p) => p.page);
    expect(withCharts).toEqual(['dashboard']);
  });
});

/**
 * The public disclosure page (公示) is a citizens' page: opened on a phone without signing in, it must carry no
 * staff-only code and stay within the citizens' budget (the rate page's) — it reads static JSON, no API client.
 */
describe('the JavaScript of disclosure.html', () => {
  let disclosure: PageScripts;

  beforeAll(async () => {
    [disclosure] = (await measurePages(['disclosure'])) as [PageScripts];
  }, 60_000);

  it('carries no staff-only code, no schemas (the frame sets zod’s config only) and no store or route modules', () => {
    const staffOnly = disclosure.inputs.filter(({ path }) =>
      /node_modules\/zod\/v4\/(classic|mini)\/|node_modules\/(oauth4webapi|echarts|zrender)\/|src\/app\/(oidc\.ts|api\.ts|components\/staff-shell\.tsx)$|src\/pages\/(admin|tallies)\/|functions\/(store|routes)\//.test(path),
    );
    expect(staffOnly).toEqual([]);
  });

  it('stays within the citizens’ budget of 30 KB gzipped', () => {
    expect(disclosure.gzipBytes, `disclosure.html loads ${(disclosure.gzipBytes / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(RATE_PAGE_BUDGET_GZIP_BYTES);
  });
});
