import { beforeAll, describe, expect, it } from 'vitest';
import { RATE_PAGE_BUDGET_GZIP_BYTES, measurePages, type PageScripts } from '../../bench/page-size';

/**
 * The citizens' "was my rating counted?" page (counted.html) is held to the rate page's budget: a phone that
 * checks a receipt loads the commitment's layout and verification, never staff code or the tally's Node modules.
 */
describe('the JavaScript of counted.html', () => {
  let page: PageScripts;

  beforeAll(async () => {
    [page] = (await measurePages(['counted'])) as [PageScripts];
  }, 60_000);

  it('carries no staff-only code and no server-side module of the commitment', () => {
    const staffOnly = page.inputs.filter(({ path }) =>
      /node_modules\/zod\/v4\/classic\/|node_modules\/(oauth4webapi|echarts|zrender)\/|src\/app\/(oidc\.ts|components\/staff-shell\.tsx)$|src\/pages\/(admin|tallies)\/|domain\/disclosure\/commitment\.ts$|domain\/evaluation\/tally\.ts$/.test(path),
    );
    expect(staffOnly).toEqual([]);
    expect(page.inputs.some(({ path }) => path.endsWith('domain/disclosure/commitment-layout.ts'))).toBe(true);
  });

  it('stays within the citizens’ budget of 30 KB gzipped', () => {
    expect(page.gzipBytes, `counted.html loads ${(page.gzipBytes / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(RATE_PAGE_BUDGET_GZIP_BYTES);
  });
});
