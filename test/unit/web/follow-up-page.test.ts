import { beforeAll, describe, expect, it } from 'vitest';
import { RATE_PAGE_BUDGET_GZIP_BYTES, measurePages, type PageScripts } from '../../bench/page-size';

/**
 * The bad review's follow-up page (follow-up.html) is a citizens' page like complain.html: opened on a phone
 * from the rate page's receipt, it carries no staff code and no schema library (the API checks and names
 * every field), and stays within the rate page's budget.
 */
describe('the JavaScript of follow-up.html', () => {
  let page: PageScripts;

  beforeAll(async () => {
    [page] = (await measurePages(['follow-up'])) as [PageScripts];
  }, 60_000);

  it('carries no staff-only code and no zod schemas', () => {
    const unwanted = page.inputs
      .map(({ path }) => path)
      .filter((path) =>
        /node_modules\/zod\/v4\/(classic|mini)\/|node_modules\/zod\/v4\/core\/schemas\.js$|node_modules\/(oauth4webapi|echarts|zrender)\/|src\/app\/(oidc\.ts|components\/staff-shell\.tsx)$|src\/pages\/(admin|tallies|review)\/|src\/pages\/cases\/(inbox|case)\.tsx$/.test(path),
      );
    expect(unwanted).toEqual([]);
    expect(page.inputs.some(({ path }) => path.endsWith('src/pages/cases/follow-up.tsx'))).toBe(true);
  });

  it('stays within the rate page budget of 30 KB gzipped', () => {
    expect(page.gzipBytes, `follow-up.html loads ${(page.gzipBytes / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(RATE_PAGE_BUDGET_GZIP_BYTES);
  });
});
