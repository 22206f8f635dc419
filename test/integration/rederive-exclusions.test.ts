import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlaggedBatch, UnitBallot } from '../../functions/domain/evaluation/review';
import type { Tally } from '../../functions/domain/evaluation/tally';
import { createDistrict, createPeriodAndForm, startAdmissionStack, type AdmissionStack, type Caller } from './admission-stack';
import { exportThroughApi } from './helpers';

/**
 * The re-derivation script (infra/ops/rederive-scores.mjs) on a period whose figures leave ballots out by
 * review: a burst from one client flagged, excluded by a supervisor, and flagged again after the decision;
 * and an appeal upheld. The raw export names why each such row is not counted (不计入原因 / Excluded because),
 * by the tally's own rule; with it the script agrees with every published figure, and without it it cannot.
 */
const SCRIPT = join(process.cwd(), 'infra/ops/rederive-scores.mjs');
const PERIOD = 'p-rederive-x';
const FORM = 'f-rederive-x';
const UNITS = ['tax-office', 'permit-hall'];
const DAY_MS = 24 * 60 * 60 * 1000;
let api: AdmissionStack;
let dir: string;
let files: { export: string; forms: string; snapshot: string; period: string; groups: string };
let tally: Record<string, Tally>;

const rate = (unitId: string, overall: string, client: string) =>
  api.send('POST', '/responses', { formId: FORM, version: 1, units: { [unitId]: { overall } }, submissionId: randomUUID() }, { headers: { 'user-agent': client } });

async function get(path: string, as?: Caller): Promise<unknown> {
  const res = await api.send('GET', path, undefined, as ? { as } : {});
  expect(res.status, `${path} ${res.text}`).toBe(200);
  return res.body;
}

const rederive = (exportFile = files.export) =>
  spawnSync(process.execPath, [SCRIPT, '--export', exportFile, '--forms', files.forms, '--snapshot', files.snapshot, '--period', files.period, '--groups', files.groups], {
    encoding: 'utf8',
  });

/** The export's records (preamble, header, rows) and the index of its header. */
function exportRecords(): { records: string[][]; header: number } {
  const records = parse(readFileSync(files.export, 'utf8').slice(1), { relax_column_count: true }) as string[][];
  return { records, header: records.findIndex((r) => r[0] === 'Ballot (anonymised)') };
}

const csvLine = (cells: string[]) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');

beforeAll(async () => {
  api = await startAdmissionStack('rederive-x');
  dir = mkdtempSync(join(tmpdir(), 'pingyi-rederive-x-'));
  await createDistrict(api, UNITS);
  await createPeriodAndForm(api, {
    periodId: PERIOD,
    formId: FORM,
    admission: { mode: 'open', openLimits: { perClientPerUnitPerDay: 3, burstWindowMinutes: 10, burstPerUnit: 100_000, identicalPerUnit: 100_000 } },
    unitIds: UNITS,
  });
  // A client's limit is per CST day: keep the burst within one.
  const toMidnight = DAY_MS - ((Date.now() + 8 * 3_600_000) % DAY_MS);
  if (toMidnight < 30_000) await new Promise((resolve) => setTimeout(resolve, toMidnight + 1_000));

  // One client rates the tax office 8 times (3 counted, 5 flagged); eight others rate each unit once.
  const levels = ['veryDissatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'verySatisfied'];
  for (let i = 0; i < 8; i++) expect((await rate('tax-office', levels[i % 5]!, 'burst-script/1.0')).status).toBe(201);
  for (let i = 0; i < 8; i++) expect((await rate(UNITS[i % 2]!, levels[(i + 2) % 5]!, `browser-${i}/1.0`)).status).toBe(201);
  await api.runTally();

  // A supervisor excludes the flagged batch; the same client then rates twice more: flagged, awaiting review.
  const flags = await api.send('GET', `/periods/${PERIOD}/flags`, undefined, { as: 'supervisor' });
  const batch = (flags.body.batches as FlaggedBatch[])[0]!;
  const review = await api.send('POST', `/periods/${PERIOD}/flags/${batch.batchId}/review`, { action: 'exclude', reason: '同一设备刷票', upTo: batch.lastAt, rev: 0 }, { as: 'supervisor' });
  expect(review.status, review.text).toBe(200);
  for (let i = 0; i < 2; i++) expect((await rate('tax-office', 'veryDissatisfied', 'burst-script/1.0')).status).toBe(201);

  // The permit hall appeals a bad review of it, and a supervisor upholds the appeal.
  const hall = { unitHandlerOf: ['permit-hall'] };
  const ballots = (await get(`/periods/${PERIOD}/units/permit-hall/ballots`, hall)) as { ballots: UnitBallot[] };
  const bad = ballots.ballots.find((b) => b.badReview)!;
  const filed = await api.send('POST', `/periods/${PERIOD}/appeals`, { unitId: 'permit-hall', ballotRef: bad.ballotRef, reason: '当日窗口未开放' }, { as: hall });
  expect(filed.status, filed.text).toBe(201);
  const upheld = await api.send('POST', `/periods/${PERIOD}/appeals/${filed.body.appealId}/decision`, { outcome: 'upheld', reason: '经核实属实' }, { as: 'supervisor' });
  expect(upheld.status, upheld.text).toBe(200);
  await api.runTally();
  tally = Object.fromEntries(await Promise.all(UNITS.map(async (u) => [u, (await api.tallyOf(PERIOD, u))!] as const)));

  // What an outsider downloads: the raw export, the form, the period, the groups and the units' snapshots.
  const exported = await exportThroughApi(api.test.stack, PERIOD, { token: await api.test.stack.token('supervisor') });
  expect(exported.status, JSON.stringify(exported.body)).toBe(200);
  const csv = Buffer.from(await (await fetch(new URL(exported.body.url as string, api.url))).arrayBuffer());
  files = {
    export: join(dir, 'responses.csv'),
    forms: join(dir, 'forms.json'),
    snapshot: join(dir, 'snapshots.json'),
    period: join(dir, 'periods.json'),
    groups: join(dir, 'groups.json'),
  };
  writeFileSync(files.export, csv);
  writeFileSync(files.forms, JSON.stringify(await get(`/forms/${FORM}`)));
  writeFileSync(files.snapshot, JSON.stringify(await get(`/periods/${PERIOD}/snapshots?units=${UNITS.join(',')}`, 'supervisor')));
  writeFileSync(files.period, JSON.stringify(await get('/periods', 'supervisor')));
  writeFileSync(files.groups, JSON.stringify(await get('/admin/groups', 'admin')));
}, 180_000);

afterAll(async () => {
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run rederive on a period with exclusions by review', () => {
  it('re-derives every figure, the export naming each row the tally leaves out and why', () => {
    // act
    const run = rederive();

    // assert: the period does leave ballots out, for each of the three reasons
    expect(tally['tax-office']).toMatchObject({ ballots: 14, excluded: { excludedOnReview: 5, flagged: 2 } });
    expect(tally['permit-hall']).toMatchObject({ ballots: 4, excluded: { appealUpheld: 1 } });
    const { records, header } = exportRecords();
    expect(records[header]!.at(-1)).toBe('Excluded because');
    const reasons = records.slice(header + 1).map((r) => r.at(-1));
    expect(reasons).toHaveLength(18);
    expect(reasons.filter((r) => r !== '').sort()).toEqual([
      'appealUpheld appeal upheld',
      ...Array(5).fill('excludedOnReview excluded on review'),
      ...Array(2).fill('flagged flagged, awaiting review'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('DIFFERS');
    expect(run.stdout).toContain('agree with the export');
    expect(run.status).toBe(0);
    for (const unitId of UNITS) {
      for (const figure of ['ballots', 'N', 'satisfactionRate', 'badReviews', 'compositeScore', 'rank']) {
        expect(run.stdout).toMatch(new RegExp(`^${unitId} +${figure} .* agrees`, 'm'));
      }
    }
  });

  it('cannot agree once the reasons are taken out of the export', () => {
    // prepare: every cell of the last column emptied
    const { records, header } = exportRecords();
    const emptied = records.map((r, i) => (i > header ? [...r.slice(0, -1), ''] : r));
    const altered = join(dir, 'no-reasons.csv');
    writeFileSync(altered, emptied.map(csvLine).join('\r\n'));

    // act
    const run = rederive(altered);

    // assert
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^tax-office +N .* DIFFERS/m);
    expect(run.stdout).toMatch(/^permit-hall +N .* DIFFERS/m);
  });
});
