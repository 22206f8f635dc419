import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../functions/routes/route';
import { exportThroughApi, startTestStack, type TestStack } from './helpers';

/**
 * The independent re-derivation script (infra/ops/rederive-scores.mjs) against what the platform publishes:
 * the demo district on `npm start`'s runtime, its tally run, and then — all over HTTP, as an outsider gets
 * them — the raw export, the published form versions, the period, the groups and each unit's snapshot. The
 * script must agree with every figure; an export altered after the fact must make it fail, naming the figure.
 */
const SCRIPT = join(process.cwd(), 'infra/ops/rederive-scores.mjs');
let t: TestStack;
let dir: string;
let files: { export: string; forms: string; snapshot: string; period: string; groups: string };
let unitIds: string[];

async function get(path: string, role?: Role): Promise<unknown> {
  const headers: Record<string, string> = role ? { authorization: `Bearer ${await t.stack.token(role)}` } : {};
  const res = await fetch(`${t.stack.url}${path}`, { headers });
  expect(res.status, path).toBe(200);
  return res.json();
}

const rederive = (exportFile = files.export) =>
  spawnSync(process.execPath, [SCRIPT, '--export', exportFile, '--forms', files.forms, '--snapshot', files.snapshot, '--period', files.period, '--groups', files.groups], {
    encoding: 'utf8',
  });

/** The export's lines, and the index of its header line. */
function exportLines(): { lines: string[]; header: number } {
  const lines = readFileSync(files.export, 'utf8').split('\r\n');
  return { lines, header: lines.findIndex((l) => l.startsWith('Ballot (anonymised),')) };
}

beforeAll(async () => {
  t = await startTestStack('rederive', { seed: true });
  dir = mkdtempSync(join(tmpdir(), 'pingyi-rederive-'));
  const periodId = t.stack.seed!.periodId;
  await t.stack.drainStreams();
  await t.stack.runJob('tally');

  const exported = await exportThroughApi(t.stack, periodId, { token: await t.stack.token('supervisor') });
  const { url } = exported.body as { url: string };
  const csv = Buffer.from(await (await fetch(new URL(url, t.stack.url))).arrayBuffer());
  const forms = await Promise.all(Object.values(t.stack.seed!.forms).map((formId) => get(`/forms/${formId}`)));
  unitIds = [...new Set(forms.flatMap((f) => (f as { content: { unitIds: string[] } }).content.unitIds))].sort();
  const snapshots: unknown[] = [];
  for (let i = 0; i < unitIds.length; i += 10) {
    snapshots.push(await get(`/periods/${periodId}/snapshots?units=${unitIds.slice(i, i + 10).join(',')}`, 'supervisor'));
  }

  files = {
    export: join(dir, 'responses.csv'),
    forms: join(dir, 'forms.json'),
    snapshot: join(dir, 'snapshots.json'),
    period: join(dir, 'periods.json'),
    groups: join(dir, 'groups.json'),
  };
  writeFileSync(files.export, csv);
  writeFileSync(files.forms, JSON.stringify(forms));
  writeFileSync(files.snapshot, JSON.stringify(snapshots));
  writeFileSync(files.period, JSON.stringify(await get('/periods', 'supervisor')));
  writeFileSync(files.groups, JSON.stringify(await get('/admin/groups', 'admin')));
}, 180_000);

afterAll(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run rederive', () => {
  it('re-derives every published figure of every unit from the raw export', () => {
    // act
    const run = rederive();

    // assert
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('agree with the export');
    expect(run.stdout).not.toContain('DIFFERS');
    expect(run.status).toBe(0);
    for (const unitId of unitIds) {
      for (const figure of ['N', 'satisfactionRate', 'compositeScore', 'rank']) {
        expect(run.stdout).toMatch(new RegExp(`^${unitId} +${figure} .* agrees`, 'm'));
      }
    }
  });

  it('fails, naming the unit and the figures, when one rating in the export was changed', () => {
    // prepare: a satisfied rating of a ballot without a bad review made a very dissatisfied one
    const { lines, header } = exportLines();
    const at = lines.findIndex((l, i) => i > header && /,satisfied(,|$)/.test(l) && !/,(dissatisfied|veryDissatisfied)(,|$)/.test(l));
    const unitId = lines[at]!.split(',')[6]!;
    lines[at] = lines[at]!.replace(/,satisfied(,|$)/, ',veryDissatisfied$1');
    const altered = join(dir, 'altered.csv');
    writeFileSync(altered, lines.join('\r\n'));

    // act
    const run = rederive(altered);

    // assert
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${unitId} +badReviews .* DIFFERS`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${unitId} +satisfactionRate .* DIFFERS`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${unitId} +N .* agrees`, 'm'));
  });

  it('fails when a ballot went missing from the export (a bad review silently dropped)', () => {
    // prepare
    const { lines, header } = exportLines();
    const at = lines.findIndex((l, i) => i > header && /,(dissatisfied|veryDissatisfied)(,|$)/.test(l));
    const unitId = lines[at]!.split(',')[6]!;
    lines.splice(at, 1);
    const altered = join(dir, 'dropped.csv');
    writeFileSync(altered, lines.join('\r\n'));

    // act
    const run = rederive(altered);

    // assert
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${unitId} +ballots .* DIFFERS`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${unitId} +N .* DIFFERS`, 'm'));
  });
});
