import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The re-derivation script (infra/ops/rederive-scores.mjs) on a handful of ballots whose figures are worked
 * out by hand from domain.md "Scores" — so that the script is checked against the rules themselves, not only
 * against the platform (test/integration/rederive-scores.test.ts does that).
 *
 * Form f1 v1: dimensions a (w 0.6) and b (w 0.4), five levels (100/80/60/0/0), 不了解 allowed. Period weights
 * citizen 0.5, enterprise 0.3, deputy 0.2; minimum sample 2; a deputy claim without an invitation counts as citizen.
 *   u1  B1 citizen     a 非常满意 100, b 满意 80        ballot score 0.6×100 + 0.4×80 = 92
 *       B2 citizen     a 不满意 0,    b 不了解          0 (b left out for this ballot), a bad review
 *       B3 enterprise  a 基本满意 60, b 非常不满意 0    36, a bad review
 *       B4 enterprise  a 不了解,      b 不了解          not in N
 *   u2  B5 citizen     a 满意 80,     b 满意 80         80
 *       B6 deputy, open (no invitation) → citizen: a 非常满意 100, b 非常满意 100   100
 * u1: ballots 4, N 3, 满意率 3 of 5 ratings = 0.6, Wilson on N = 3 (1.8 of 3); 差评 2; S_citizen (92 + 0)/2 = 46,
 *     S_enterprise 36; S = (0.5×46 + 0.3×36)/0.8 = 42.25, coverage 0.8; a: N 3, 2/3, (100 + 0 + 60)/3; b: N 2, 1/2, 40.
 * u2: ballots 2, N 2, 满意率 1, Wilson (2 of 2); S_citizen (80 + 100)/2 = 90 = S, coverage 0.5; a and b: N 2, 1, 90.
 * Ranks: u2 (90) first, u1 (42.25) second.
 */
const SCRIPT = join(process.cwd(), 'infra/ops/rederive-scores.mjs');
const at = '2026-06-15 10:00:00';

const form = {
  formId: 'f1',
  version: 1,
  content: {
    layout: 'allUnits',
    unitIds: ['u1', 'u2'],
    questions: [
      { id: 'group', type: 'group', options: ['citizen', 'enterprise', 'deputy'] },
      {
        id: 'q',
        type: 'dimensions',
        scale: 'five',
        allowDontKnow: true,
        dimensions: [
          { id: 'a', label: { 'zh-CN': '服务态度', en: 'Attitude' }, weight: 0.6 },
          { id: 'b', label: { 'zh-CN': '办事效率', en: 'Efficiency' }, weight: 0.4 },
        ],
      },
    ],
  },
};

const period = {
  periodId: '2026-annual',
  opensAt: '2026-01-01T00:00:00+08:00',
  closesAt: '2027-01-01T00:00:00+08:00',
  groupWeights: { citizen: 0.5, enterprise: 0.3, deputy: 0.2 },
  minSample: 2,
  admission: { unverifiedClaim: { action: 'countAs', groupId: 'citizen' } },
};
const groups = { groups: [{ groupId: 'citizen', requiresInvitation: false }, { groupId: 'enterprise', requiresInvitation: false }, { groupId: 'deputy', requiresInvitation: true }] };

const row = (ballot: string, group: string, unit: string, a: string, b: string) => [ballot, 'f1', '1', at, group, 'open', unit, group, a, b].join(',');
const CSV = [
  'Period,2026 annual evaluation,2026-annual',
  'Data as of (CST),2026-06-20 08:00:00',
  'Text answers included,no',
  '',
  'Ballot (anonymised),Form,Version,Submitted at (CST),Respondent group,Admission,Unit,group Respondent group,"q.a Rate the unit, please: Attitude",q.b Efficiency',
  // B1's digest starts with "-": the CSV writer guards it with an apostrophe
  row("'-b1", 'citizen', 'u1', 'verySatisfied', 'satisfied'),
  row('b2', 'citizen', 'u1', 'dissatisfied', 'dontKnow'),
  row('b3', 'enterprise', 'u1', 'basicallySatisfied', 'veryDissatisfied'),
  row('b4', 'enterprise', 'u1', 'dontKnow', 'dontKnow'),
  row('b5', 'citizen', 'u2', 'satisfied', 'satisfied'),
  row('b6', 'deputy', 'u2', 'verySatisfied', 'verySatisfied'),
].join('\r\n');

const dimension = (dimensionId: string, n: number, satisfactionRate: number, low: number, high: number, score: number) => ({
  dimensionId,
  n,
  satisfactionRate,
  satisfactionInterval: { low, high },
  score,
});
// Wilson bounds: the 95% score interval (z = 1.959963984540054) worked out to twelve decimals.
const PUBLISHED = [
  {
    unitId: 'u2',
    n: 2,
    ballots: 2,
    satisfactionRate: 1,
    satisfactionInterval: { low: 0.342380227507, high: 1 },
    badReviews: 0,
    compositeScore: 90,
    weightCoverage: 0.5,
    insufficientSample: false,
    rank: 1,
    unranked: null,
    groupScores: { citizen: { n: 2, score: 90 } },
    dimensions: [dimension('a', 2, 1, 0.342380227507, 1, 90), dimension('b', 2, 1, 0.342380227507, 1, 90)],
  },
  {
    unitId: 'u1',
    n: 3,
    ballots: 4,
    satisfactionRate: 0.6,
    satisfactionInterval: { low: 0.172485143925, high: 0.915215449724 },
    badReviews: 2,
    compositeScore: 42.25,
    weightCoverage: 0.8,
    insufficientSample: false,
    rank: 2,
    unranked: null,
    groupScores: { citizen: { n: 2, score: 46 }, enterprise: { n: 1, score: 36 } },
    dimensions: [dimension('a', 3, 2 / 3, 0.207659600802, 0.93850805528, 160 / 3), dimension('b', 2, 0.5, 0.094531205734, 0.905468794266, 40)],
  },
];

let dir: string;
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const run = (args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
const argsWith = (published: unknown, withPeriod = true) => [
  '--export',
  file('responses.csv', `\uFEFF${CSV}\r\n`),
  '--forms',
  file('form.json', form),
  '--snapshot',
  file('snapshot.json', { kind: 'scores', units: published }),
  ...(withPeriod ? ['--period', file('periods.json', { periods: [period] }), '--groups', file('groups.json', groups)] : []),
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pingyi-rederive-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rederive-scores.mjs', () => {
  it('agrees with figures worked out by hand from domain.md', () => {
    // act
    const result = run(argsWith(PUBLISHED));

    // assert
    expect(result.stdout).not.toContain('DIFFERS');
    expect(result.stdout).toMatch(/^u1 +compositeScore +42\.25 +42\.25 +agrees/m);
    expect(result.stdout).toMatch(/^u2 +rank +1 +1 +agrees/m);
    expect(result.status).toBe(0);
  });

  it.each([
    ['compositeScore', (u: Record<string, unknown>) => ({ ...u, compositeScore: 42.26 })],
    ['N', (u: Record<string, unknown>) => ({ ...u, n: 4 })],
    ['satisfactionInterval.low', (u: Record<string, unknown>) => ({ ...u, satisfactionInterval: { low: 0.1725, high: 0.915215449724 } })],
    ['group citizen score', (u: Record<string, unknown>) => ({ ...u, groupScores: { citizen: { n: 2, score: 47 }, enterprise: { n: 1, score: 36 } } })],
    ['rank', (u: Record<string, unknown>) => ({ ...u, rank: 1 })],
  ])('exits 1 and names %s when a published figure of u1 is not what the export gives', (figure, alter) => {
    // act
    const result = run(argsWith([PUBLISHED[0], alter(PUBLISHED[1]!)]));

    // assert
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^u1 +${figure} .* DIFFERS`, 'm'));
  });

  it('checks all but the composite score and rank without the period, and says so', () => {
    // act
    const result = run(argsWith(PUBLISHED.map((u) => ({ ...u, compositeScore: 0 })), false));

    // assert: without the groups, B6 counts as a deputy, which u2's published citizen figures do not show
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('no --period given');
    expect(result.stdout).not.toMatch(/compositeScore/);
    expect(result.stdout).toMatch(/^u2 +group deputy N +— +1 +DIFFERS/m);
    expect(result.stdout).toMatch(/^u1 +satisfactionRate +0\.6 +0\.6 +agrees/m);
  });

  it('counts a row as excluded where the export names why it was not counted', () => {
    // prepare: B7, a very dissatisfied ballot for u2 excluded on review, in an export that says so
    const header = CSV.split('\r\n')[4]!;
    const csv = CSV.replace(header, `${header},Excluded because`).split('\r\n').map((line, i) => (i > 4 ? `${line},` : line));
    csv.push(`${row('b7', 'citizen', 'u2', 'veryDissatisfied', 'veryDissatisfied')},excludedOnReview`);
    const args = argsWith([{ ...PUBLISHED[0], ballots: 3 }, PUBLISHED[1]]);
    writeFileSync(args[1]!, csv.join('\r\n'));

    // act
    const result = run(args);

    // assert
    expect(result.stdout).toMatch(/^u2 +ballots +3 +3 +agrees/m);
    expect(result.stdout).toMatch(/^u2 +N +2 +2 +agrees/m);
    expect(result.status).toBe(0);
  });

  it('exits 2 on inputs it cannot read', () => {
    expect(run(['--export', join(dir, 'missing.csv'), '--forms', 'x', '--snapshot', 'y']).status).toBe(2);
    expect(run(['--export', file('empty.csv', 'not an export'), '--forms', file('f.json', form), '--snapshot', file('s.json', PUBLISHED)]).status).toBe(2);
    expect(run([]).status).toBe(2);
  });
});
