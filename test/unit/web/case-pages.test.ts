import { beforeAll, describe, expect, it } from 'vitest';
import { RATE_PAGE_BUDGET_GZIP_BYTES, measurePages, type PageScripts } from '../../bench/page-size';

/**
 * The citizens' case pages (complain.html, track.html) are opened on phones, often from a text message:
 * like the rate page they carry no staff code, no schema library (the API checks and names every field),
 * and stay within the rate page's budget.
 */
describe('the JavaScript of complain.html and track.html', () => {
  let pages: PageScripts[];

  beforeAll(async () => {
    pages = await measurePages(['complain', 'track']);
  }, 60_000);

  it('carries no staff-only code and no zod schemas (only the jitless switch every page sets)', () => {
    const unwanted = pages.flatMap((p) =>
      p.inputs
        .filter(({ path }) =>
          /node_modules\/zod\/v4\/(classic|mini)\/|node_modules\/zod\/v4\/core\/schemas\.js$|node_modules\/(oauth4webapi|echarts|zrender)\/|src\/app\/(oidc\.ts|components\/staff-shell\.tsx)$|src\/pages\/(admin|tallies|review)\/|src\/pages\/cases\/(inbox|case)\.tsx$/.test(path),
        )
        .map(({ path }) => `${p.page}: ${path}`),
    );
    expect(unwanted).toEqual([]);
  });

  it('each stays within the rate page budget of 30 KB gzipped', () => {
    for (const p of pages) expect(p.gzipBytes, `${p.page}.html loads ${(p.gzipBytes / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(RATE_PAGE_BUDGET_GZIP_BYTES);
  });
});
