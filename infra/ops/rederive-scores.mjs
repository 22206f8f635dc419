#!/usr/bin/env node
/**
 * `npm run rederive -- --export <csv> --forms <json>… --snapshot <json> [--period <json>] [--groups <json>]`
 *
 * Re-derives a period's published scores from its raw anonymised export (原始答卷导出), independently of
 * Pingyi: plain Node and its standard library, nothing imported from the platform's code, so that anyone
 * auditing a publication can read all of it. The rules are those of domain.md "Scores", written again here:
 *
 *   满意率 = (非常满意 + 满意 + 基本满意) / valid ratings (pooled over dimensions); 不了解 is in no denominator.
 *   Its 95% Wilson interval takes N (ballots with a valid rating) as the sample size; a dimension's takes its own N.
 *   Level points 100/80/60/0/0 (five levels), 100/60/0 (three), unless the form version sets its own.
 *   A ballot's score = Σ w_d × points_d / Σ w_d over the dimensions it rated (不了解 leaves one out).
 *   S_g = mean ballot score of group g;  S_d = mean points of dimension d;  S = Σ W_g × S_g / Σ W_g over the
 *   weighted groups that rated the unit;  ranked: N ≥ the period's minimum sample, by S at two decimals,
 *   ties sharing the better place ("1, 2, 2, 4").
 *
 * Inputs, all as published or downloaded:
 *   --export    the CSV of "export responses" (POST /periods/{periodId}/response-exports), either language;
 *   --forms     the form versions the ballots name: GET /forms/{formId} answers, or admin form versions, one
 *               object, a list, or {forms: […]} per file (repeat --forms for several files);
 *   --snapshot  the published per-unit figures: the `units` of a published scores disclosure, or a snapshot
 *               list (GET /periods/{periodId}/snapshots; a unit's newest snapshot is taken);
 *   --period    the period (GET /periods, or one of its items): group weights, minimum sample, window, and the
 *               rule for unverified group claims. Without it, the composite score, coverage, sample check and
 *               rank are not checked (and said so);
 *   --groups    the respondent groups (GET /admin/groups): which count only through invitations. Without it,
 *               every ballot counts in the group it claims.
 *
 * What the export cannot say, this cannot check: a ballot a supervisor excluded on review, or whose appeal
 * was upheld, is in the export like any other, so a published figure that excluded one will not agree here —
 * unless the export has a column "不计入原因" / "Excluded because" naming, row by row, why a ballot was not
 * counted for its unit; then those rows are counted as excluded. An invitation ballot is taken to be in the
 * group its invitation was issued for (the export does not name it).
 *
 * Prints one line per unit and figure with the published value, the re-derived one and whether they agree.
 * Exit code: 0 when every figure agrees, 1 when any differs, 2 when the inputs cannot be read.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SCALES = {
  five: {
    verySatisfied: { points: 100, satisfied: true, bad: false },
    satisfied: { points: 80, satisfied: true, bad: false },
    basicallySatisfied: { points: 60, satisfied: true, bad: false },
    dissatisfied: { points: 0, satisfied: false, bad: true },
    veryDissatisfied: { points: 0, satisfied: false, bad: true },
  },
  three: {
    satisfied: { points: 100, satisfied: true, bad: false },
    basicallySatisfied: { points: 60, satisfied: true, bad: false },
    dissatisfied: { points: 0, satisfied: false, bad: true },
  },
};
const DONT_KNOW = 'dontKnow';
const Z_95 = 1.959963984540054;
/** Scores (0–100) agree within a millionth of a point: the platform sums points in integer millionths. */
const SCORE_TOLERANCE = 1e-6;
/** Rates and interval bounds (0–1) agree to nine decimals. */
const RATE_TOLERANCE = 1e-9;
/** Weights summing to 1 within this are full coverage (0.5 + 0.3 + 0.1 + 0.1 is a hair under 1 in binary). */
const WEIGHT_TOLERANCE = 1e-6;

class InputError extends Error {}

// ---- reading the inputs ----

/** RFC 4180 CSV (quoted cells, "" for a quote, CRLF or LF), without its byte order mark. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

/** A cell as written before the CSV's guard against spreadsheet formulas (a leading apostrophe). */
const unguard = (cell) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

const BALLOT_HEADERS = new Set(['答卷编号（匿名）', 'Ballot (anonymised)']);
/**
 * An optional column naming why a row was not counted for its unit (empty when it was): an export that
 * carries the tally's own exclusions (review, appeal) makes them checkable too.
 */
const EXCLUDED_HEADERS = new Set(['不计入原因', 'Excluded because']);

/** The export's period id and its rows: ballot, form, version, submittedAt (CST), group, admission, unit, answers by column id. */
export function readExport(text) {
  const records = parseCsv(text);
  const at = records.findIndex((r) => BALLOT_HEADERS.has(r[0]));
  if (at < 0) throw new InputError('the export has no header row (答卷编号（匿名） / Ballot (anonymised))');
  const columns = records[at].slice(7).map((h) => h.split(' ')[0]);
  const excludedAt = records[at].findIndex((h) => EXCLUDED_HEADERS.has(h));
  const rows = records.slice(at + 1).filter((r) => r.length > 1).map((r) => {
    const cells = r.map(unguard);
    return {
      excludedBecause: excludedAt < 0 ? '' : (cells[excludedAt] ?? ''),
      ballot: cells[0],
      formId: cells[1],
      version: Number(cells[2]),
      submittedAt: cells[3],
      group: cells[4],
      admission: cells[5],
      unitId: cells[6],
      answers: Object.fromEntries(columns.map((c, i) => [c, cells[7 + i] ?? ''])),
    };
  });
  return { periodId: records[0]?.[2] ?? '', rows };
}

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${e.message}`);
  }
};

/** Every object in a JSON value that `is` accepts, however deep (a list, an API answer wrapping it …). */
function collect(value, is, out = []) {
  if (Array.isArray(value)) value.forEach((v) => collect(v, is, out));
  else if (value && typeof value === 'object') {
    if (is(value)) out.push(value);
    else Object.values(value).forEach((v) => collect(v, is, out));
  }
  return out;
}

const isFormVersion = (v) => typeof v.formId === 'string' && Number.isInteger(v.version) && Array.isArray(v.content?.questions);
const isUnitFigures = (v) => typeof v.unitId === 'string' && Number.isInteger(v.n) && v.groupScores && Array.isArray(v.dimensions);
const isPeriod = (v) => typeof v.periodId === 'string' && v.groupWeights && Number.isInteger(v.minSample);
const isGroup = (v) => typeof v.groupId === 'string' && typeof v.requiresInvitation === 'boolean';

/** How a form version scores: its rating question's scale, points and dimensions (column id, weight). */
function scoringOf(version) {
  const q = version.content.questions.find((x) => x.type === 'rating' || x.type === 'dimensions');
  if (!q || !SCALES[q.scale]) return undefined;
  const levels = Object.fromEntries(Object.entries(SCALES[q.scale]).map(([k, l]) => [k, { ...l, points: q.points?.[k] ?? l.points }]));
  const dimensions =
    q.type === 'dimensions' ? q.dimensions.map((d) => ({ id: d.id, column: `${q.id}.${d.id}`, weight: d.weight })) : [{ id: q.id, column: q.id, weight: 1 }];
  return { units: new Set(version.content.unitIds), levels, allowDontKnow: q.allowDontKnow === true, dimensions };
}

// ---- counting ----

const cstInstant = (cst) => Date.parse(`${cst.replace(' ', 'T')}+08:00`);

function wilson(successes, n) {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z_95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const newUnit = () => ({ ballots: 0, excluded: 0, n: 0, dontKnow: 0, ratings: 0, satisfied: 0, bad: 0, groups: new Map(), dimensions: new Map() });

/** Each unit's counts from the export's rows. */
export function count(rows, scorings, period, invitationOnly) {
  const units = new Map();
  const unit = (id) => units.get(id) ?? units.set(id, newUnit()).get(id);
  // A ballot whose scored answers break its form's rules is left out for every unit it rates.
  const invalid = new Set();
  for (const r of rows) {
    const s = scorings.get(`${r.formId}@${r.version}`);
    if (!s || !s.units.has(r.unitId)) continue;
    for (const d of s.dimensions) {
      const v = r.answers[d.column] ?? '';
      if (v !== '' && !(v in s.levels) && !(v === DONT_KNOW && s.allowDontKnow)) invalid.add(r.ballot);
    }
  }
  for (const r of rows) {
    if (r.unitId === '') continue;
    const acc = unit(r.unitId);
    acc.ballots += 1;
    const s = scorings.get(`${r.formId}@${r.version}`);
    const at = cstInstant(r.submittedAt);
    const outside = period && (at < Date.parse(period.opensAt) || at >= Date.parse(period.closesAt));
    let group = r.group;
    if (invitationOnly.has(group) && r.admission !== 'invitation') {
      const rule = period?.admission?.unverifiedClaim;
      if (rule?.action === 'countAs') group = rule.groupId;
      else if (rule) group = null;
    }
    if (!s || outside || !s.units.has(r.unitId) || invalid.has(r.ballot) || group === null || r.excludedBecause !== '') {
      acc.excluded += 1;
      continue;
    }
    let weight = 0;
    let weighted = 0;
    let valid = 0;
    let bad = false;
    for (const d of s.dimensions) {
      const dim = acc.dimensions.get(d.id) ?? acc.dimensions.set(d.id, { n: 0, satisfied: 0, points: 0 }).get(d.id);
      const level = s.levels[r.answers[d.column]];
      if (!level) continue;
      dim.n += 1;
      dim.points += level.points;
      acc.ratings += 1;
      if (level.satisfied) (dim.satisfied += 1), (acc.satisfied += 1);
      bad ||= level.bad;
      valid += 1;
      weight += d.weight;
      weighted += d.weight * level.points;
    }
    if (valid === 0) {
      acc.dontKnow += 1;
      continue;
    }
    acc.n += 1;
    if (bad) acc.bad += 1;
    if (weight > 0) {
      const g = acc.groups.get(group) ?? acc.groups.set(group, { n: 0, sum: 0 }).get(group);
      g.n += 1;
      g.sum += weighted / weight;
    }
  }
  return units;
}

/** Each unit's figures from its counts, as the snapshot names them. */
export function figures(units, period) {
  const out = new Map();
  for (const [unitId, acc] of units) {
    const rate = acc.ratings > 0 ? acc.satisfied / acc.ratings : null;
    const groupScores = Object.fromEntries([...acc.groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, x]) => [g, { n: x.n, score: x.sum / x.n }]));
    const f = {
      unitId,
      ballots: acc.ballots,
      n: acc.n,
      satisfactionRate: rate,
      satisfactionInterval: rate === null ? null : wilson(rate * acc.n, acc.n),
      badReviews: acc.bad,
      groupScores,
      dimensions: [...acc.dimensions].map(([dimensionId, d]) => ({
        dimensionId,
        n: d.n,
        satisfactionRate: d.n > 0 ? d.satisfied / d.n : null,
        satisfactionInterval: wilson(d.satisfied, d.n),
        score: d.n > 0 ? d.points / d.n : null,
      })),
    };
    if (period) {
      let coverage = 0;
      let weighted = 0;
      for (const [g, x] of Object.entries(groupScores)) {
        const w = period.groupWeights[g] ?? 0;
        coverage += w;
        weighted += w * x.score;
      }
      f.compositeScore = coverage > 0 ? weighted / coverage : null;
      f.weightCoverage = Math.abs(coverage - 1) <= WEIGHT_TOLERANCE ? 1 : Math.min(1, coverage);
      f.insufficientSample = acc.n < period.minSample;
    }
    out.set(unitId, f);
  }
  if (period) {
    const ranked = [...out.values()]
      .filter((f) => !f.insufficientSample && f.compositeScore !== null)
      .map((f) => ({ f, score: Number(f.compositeScore.toFixed(2)) }))
      .sort((a, b) => b.score - a.score);
    for (const f of out.values()) f.rank = null;
    ranked.forEach(({ f, score }, i) => (f.rank = i > 0 && score === ranked[i - 1].score ? ranked[i - 1].f.rank : i + 1));
  }
  return out;
}

// ---- comparing ----

/** Every published figure beside the re-derived one: [unit, figure, published, re-derived, agrees]. */
export function compare(published, derived, period) {
  const lines = [];
  const num = (tolerance) => (a, b) => (a === null || b === null || a === undefined || b === undefined ? a === b : Math.abs(a - b) <= tolerance);
  const same = (a, b) => a === b;
  const add = (unitId, figure, p, d, agrees) => lines.push({ unitId, figure, published: p, derived: d, agrees: agrees(p ?? null, d ?? null) });
  const interval = (unitId, name, p, d) => {
    add(unitId, `${name}.low`, p?.low ?? null, d?.low ?? null, num(RATE_TOLERANCE));
    add(unitId, `${name}.high`, p?.high ?? null, d?.high ?? null, num(RATE_TOLERANCE));
  };
  const unitIds = [...new Set([...published.keys(), ...[...derived].filter(([, f]) => f.ballots > 0).map(([u]) => u)])].sort();
  for (const unitId of unitIds) {
    const p = published.get(unitId);
    const d = derived.get(unitId);
    if (!p || !d) {
      add(unitId, 'unit', p ? 'published' : 'not published', d ? 'in the export' : 'not in the export', () => false);
      continue;
    }
    add(unitId, 'ballots', p.ballots, d.ballots, same);
    add(unitId, 'N', p.n, d.n, same);
    add(unitId, 'satisfactionRate', p.satisfactionRate, d.satisfactionRate, num(RATE_TOLERANCE));
    interval(unitId, 'satisfactionInterval', p.satisfactionInterval, d.satisfactionInterval);
    add(unitId, 'badReviews', p.badReviews, d.badReviews, same);
    for (const g of [...new Set([...Object.keys(p.groupScores), ...Object.keys(d.groupScores)])].sort()) {
      add(unitId, `group ${g} N`, p.groupScores[g]?.n ?? null, d.groupScores[g]?.n ?? null, same);
      add(unitId, `group ${g} score`, p.groupScores[g]?.score ?? null, d.groupScores[g]?.score ?? null, num(SCORE_TOLERANCE));
    }
    const dims = new Map(d.dimensions.map((x) => [x.dimensionId, x]));
    for (const id of [...new Set([...p.dimensions.map((x) => x.dimensionId), ...dims.keys()])]) {
      const pd = p.dimensions.find((x) => x.dimensionId === id);
      const dd = dims.get(id);
      add(unitId, `dimension ${id} N`, pd?.n ?? null, dd?.n ?? null, same);
      add(unitId, `dimension ${id} satisfactionRate`, pd?.satisfactionRate ?? null, dd?.satisfactionRate ?? null, num(RATE_TOLERANCE));
      interval(unitId, `dimension ${id} satisfactionInterval`, pd?.satisfactionInterval, dd?.satisfactionInterval);
      add(unitId, `dimension ${id} score`, pd?.score ?? null, dd?.score ?? null, num(SCORE_TOLERANCE));
    }
    if (period) {
      add(unitId, 'compositeScore', p.compositeScore, d.compositeScore, num(SCORE_TOLERANCE));
      add(unitId, 'weightCoverage', p.weightCoverage, d.weightCoverage, num(WEIGHT_TOLERANCE));
      add(unitId, 'insufficientSample', p.insufficientSample, d.insufficientSample, same);
      add(unitId, 'rank', p.rank, d.rank, same);
    }
  }
  return lines;
}

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(9).replace(/0+$/, '') : String(v));

function table(lines) {
  const rows = [['unit 单位', 'figure 指标', 'published 公布值', 're-derived 复算值', ''], ...lines.map((l) => [l.unitId, l.figure, show(l.published), show(l.derived), l.agrees ? 'agrees 一致' : 'DIFFERS 不一致'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

const USAGE = 'usage: npm run rederive -- --export <csv> --forms <json> [--forms <json>…] --snapshot <json> [--period <json>] [--groups <json>]';

/** Runs the check on the files named by `argv`; returns the exit code. */
export function main(argv, print = console.log) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        export: { type: 'string' },
        forms: { type: 'string', multiple: true },
        snapshot: { type: 'string' },
        period: { type: 'string' },
        groups: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      print(USAGE);
      return 0;
    }
    if (!values.export || !values.forms || !values.snapshot) throw new InputError(USAGE);
    const exported = readExport(readFileSync(values.export, 'utf8'));
    const versions = values.forms.flatMap((f) => collect(readJson(f), isFormVersion));
    const scorings = new Map(versions.map((v) => [`${v.formId}@${v.version}`, scoringOf(v)]).filter(([, s]) => s));
    const period = values.period ? collect(readJson(values.period), isPeriod).find((p) => p.periodId === exported.periodId) : undefined;
    if (values.period && !period) throw new InputError(`${values.period} holds no period ${exported.periodId}`);
    const invitationOnly = new Set(values.groups ? collect(readJson(values.groups), isGroup).filter((g) => g.requiresInvitation).map((g) => g.groupId) : []);
    // A unit's newest snapshot, when the file holds several days.
    const published = new Map();
    for (const s of collect(readJson(values.snapshot), isUnitFigures)) {
      const seen = published.get(s.unitId);
      if (!seen || (s.computedAt ?? '') >= (seen.computedAt ?? '')) published.set(s.unitId, s);
    }
    if (published.size === 0) throw new InputError(`${values.snapshot} holds no unit figures`);

    const lines = compare(published, figures(count(exported.rows, scorings, period, invitationOnly), period), period);
    const differing = lines.filter((l) => !l.agrees);
    print(table(lines));
    print('');
    if (!period) print('Composite score, coverage, sample check and rank not checked: no --period given. 未提供评议期，综合得分与排名未复核。');
    print(
      differing.length === 0
        ? `All ${lines.length} figures of ${published.size} units agree with the export (${exported.rows.length} rows). 全部一致。`
        : `${differing.length} of ${lines.length} figures differ. 有 ${differing.length} 项不一致。`,
    );
    return differing.length === 0 ? 0 : 1;
  } catch (e) {
    if (!(e instanceof InputError) && e?.code !== 'ENOENT' && !String(e?.code).startsWith('ERR_PARSE_ARGS')) throw e;
    print(e.message);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
