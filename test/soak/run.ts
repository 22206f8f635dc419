import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Answers, UnitAnswers } from '../../functions/domain/evaluation/answers';
import type { FormContent } from '../../functions/domain/evaluation/form';
import { ZPublishedForm, type PublishedForm } from '../../functions/domain/evaluation/published-form';
import { dimensionsOf, scoredQuestion } from '../../functions/domain/evaluation/questions';
import { DONT_KNOW, scaleLevels } from '../../functions/domain/evaluation/rating-scale';
import type { OpenLimits } from '../../functions/domain/evaluation/admission';
import { ZPeriodList } from '../../functions/domain/evaluation/period-admin';
import { ZFlaggedBatchList } from '../../functions/domain/evaluation/review';
import { ZReceipt, submissionHashOf, type Receipt } from '../../functions/domain/evaluation/response';
import { ZTallyReport } from '../../functions/domain/evaluation/tally-report';
import { createDocumentClient } from '../../functions/store/client';
import { SALT_PARTITION } from '../../functions/store/evaluation/admission-store';
import { startLocal, type LocalStack } from '../../infra/local/stack';

/**
 * `npm run soak`: a bounded load on the local stack — the very same handlers, on a DynamoDB Local of its
 * own with its data in a temporary folder — while DynamoDB Local is stalled (SIGSTOP, then SIGCONT) and
 * killed (then restarted by the local runtime, on the same data) on a schedule.
 *
 * Several clients submit to the demo's one-unit (service windows) and all-units (annual) forms — fresh
 * submissions, retries of those that got a 503 (same submissionId and body, after Retry-After), and
 * re-sends of acknowledged ones — and read forms, tallies and the deep health check. When the time is up,
 * every submission still unacknowledged is retried until it is, as the citizen page does.
 *
 * It prints requests/s, latency percentiles and status counts, and checks integrity: every acknowledged
 * submission is stored exactly once (none lost, none doubled, nothing stored that was never acknowledged,
 * counted in the responses table by the digest of the submissionId each stored ballot keeps), re-sends get
 * the first receipt, and after a final tally each unit's N is its N before the load plus what the
 * acknowledged submissions rated (an all-units response answering 不了解 throughout for a unit adds
 * nothing to that unit's N). Exits 1 when integrity fails — never because of latency.
 *
 * Every simulated citizen comes from the same address and browser, which an open form's limits would flag
 * (and leave out of N until a supervisor released them). So before the load the soak raises the period's
 * open limits through the admin API as far as they go — the load is one client by construction, not a
 * stuffing attempt — and checks that the final tally flagged nothing, so that N stays exact.
 *
 *   SOAK_SECONDS=60 (default)   how long the load runs; CI runs 15
 *   SOAK_CLIENTS=8  (default)   concurrent clients
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
if (!(SECONDS > 0) || !Number.isInteger(CLIENTS) || CLIENTS < 1) {
  console.error('SOAK_SECONDS must be a positive number and SOAK_CLIENTS a positive integer');
  process.exit(2);
}
/** A request not answered within this is counted as a hang (none should be: the budget is 8.5 s). */
const CLIENT_TIMEOUT_MS = 30_000;
/** The clients honour Retry-After, capped so that the load goes on during a fault. */
const MAX_RETRY_WAIT_MS = 1_000;
/** How long the unacknowledged submissions are retried after the load before they count as lost. */
const DRAIN_MS = 60_000;

// The SDK's notice that its 2027 releases need Node 22, and a log line per 503, would drown the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// ---- the stack --------------------------------------------------------------------------------------------

const dataDir = mkdtempSync(join(tmpdir(), 'pingyi-soak-'));
const lost: string[] = [];
console.error(`starting the local stack (DynamoDB Local with its data in ${dataDir}, the demo seed) ...`);
const stack: LocalStack = await startLocal({
  port: 0,
  dataDir,
  seed: true,
  web: false,
  quiet: true,
  tallyEveryMs: 60 * 60 * 1000,
  onDynamoLost: (message) => {
    lost.push(message);
    console.error(`soak: ${message}`);
  },
});
let exitCode = 1;
try {
  exitCode = await soak(stack);
} catch (error) {
  console.error(`soak failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);

// ---- the run ----------------------------------------------------------------------------------------------

interface Sample {
  op: string;
  status: string;
  ms: number;
}

interface Submission {
  submissionId: string;
  body: string;
  /** What it adds to each unit's N once stored: 1 for each unit it gives at least one rating. */
  adds: string[];
}

async function soak(stack: LocalStack): Promise<number> {
  const seed = stack.seed;
  const dynamo = stack.dynamo;
  if (!seed || !dynamo) throw new Error('the soak needs the demo seed and a DynamoDB Local of its own');
  const supervisor = { authorization: `Bearer ${await stack.token('supervisor')}` };
  const forms = await Promise.all([seed.forms.windows, seed.forms.annual].map(async (formId) => ZPublishedForm.parse(await getJson(`/forms/${formId}`))));

  // Before the load: limits that take one client's load, the tally of the seed, and the ballots already stored.
  await raiseOpenLimits();
  await stack.runJob('tally');
  const baseline = await unitN();
  const before = await storedIds();

  const samples: Sample[] = [];
  const acknowledged = new Map<string, { submission: Submission; receipt: Receipt }>();
  const problems = { receiptMismatches: 0, refusedSubmissions: [] as string[], fiveHundredsWithoutRetryAfter: 0, hangs: 0 };
  const counts = { fresh: 0, retriedAfterFault: 0, resent: 0 };
  /** Submissions the clients left unacknowledged when the time was up. */
  const drains: Submission[] = [];

  const started = performance.now();
  const at = () => (performance.now() - started) / 1000;
  const loadEndsAt = started + SECONDS * 1000;
  const faultLog: string[] = [];
  const faults = injectFaults();

  await Promise.all(Array.from({ length: CLIENTS }, () => client()));
  const loadSeconds = (performance.now() - started) / 1000;
  const loadRequests = samples.length;
  await faults;
  const unacknowledged = await drainAll();

  // After the load: a final tally, the stored ballots by the digest of their submission id.
  await retrying(() => stack.runJob('tally'));
  const final = await unitN();
  const after = await storedIds();
  const flagged = await flaggedBallots();

  // ---- integrity ----
  const stored = new Map<string, number>();
  for (const [hash, n] of after) if (!before.has(hash)) stored.set(hash, n);
  const acknowledgedHashes = new Set([...acknowledged.keys()].map(submissionHashOf));
  const lostIds = [...acknowledged.keys()].filter((id) => !stored.has(submissionHashOf(id)));
  const doubled = [...stored].filter(([, n]) => n > 1).map(([hash]) => hash);
  const unacknowledgedStored = [...stored.keys()].filter((hash) => !acknowledgedHashes.has(hash));
  const expected = new Map(baseline);
  for (const { submission } of acknowledged.values()) for (const unitId of submission.adds) expected.set(unitId, (expected.get(unitId) ?? 0) + 1);
  const unitRows = [...new Set([...expected.keys(), ...final.keys()])].sort().map((unitId) => ({
    unitId,
    before: baseline.get(unitId) ?? 0,
    added: (expected.get(unitId) ?? 0) - (baseline.get(unitId) ?? 0),
    after: final.get(unitId) ?? 0,
    holds: (final.get(unitId) ?? 0) === (expected.get(unitId) ?? 0),
  }));

  // ---- the figures ----
  const all = samples.map((s) => s.ms);
  const ops = [...new Set(samples.map((s) => s.op))].sort();
  console.log(`\nsoak: ${SECONDS} s of load by ${CLIENTS} clients on ${stack.url}; DynamoDB Local ${dynamo.endpoint} (${dynamo.loopbackOnly ? '127.0.0.1 only' : 'every interface'})`);
  console.log('\nfaults (seconds since the load started):');
  for (const line of faultLog) console.log(`  ${line}`);
  console.log(
    `\nrequests: ${loadRequests} in ${loadSeconds.toFixed(1)} s = ${(loadRequests / loadSeconds).toFixed(1)}/s, ` +
      `then ${samples.length - loadRequests} retries of unacknowledged submissions after it (latencies below include them)`,
  );
  table(
    ['request', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'statuses'],
    [
      ...ops.map((op) => {
        const of = samples.filter((s) => s.op === op);
        return [op, String(of.length), ...percentiles(of.map((s) => s.ms)), statusCounts(of)];
      }),
      ['all', String(samples.length), ...percentiles(all), statusCounts(samples)],
    ],
  );
  console.log(
    `\nsubmissions: ${counts.fresh} fresh, ${counts.retriedAfterFault} retries after a 503 or no answer, ${counts.resent} re-sends of acknowledged ones; ` +
      `${acknowledged.size} acknowledged (201)`,
  );
  console.log(
    `contract: 5xx without Retry-After ${problems.fiveHundredsWithoutRetryAfter}, no answer within ${CLIENT_TIMEOUT_MS / 1000} s ${problems.hangs}` +
      (lost.length > 0 ? `; DynamoDB Local LOST: ${lost.join(' | ')}` : ''),
  );

  const checks: [string, boolean][] = [
    [`every acknowledged submissionId stored exactly once (${acknowledged.size}): lost ${lostIds.length}, doubled ${doubled.length}`, lostIds.length === 0 && doubled.length === 0],
    [`nothing stored that was never acknowledged: ${unacknowledgedStored.length} (still unacknowledged after the drain: ${unacknowledged})`, unacknowledgedStored.length === 0 && unacknowledged === 0],
    [`re-sent submissions got their first receipt: ${problems.receiptMismatches} mismatches`, problems.receiptMismatches === 0],
    [
      `valid submissions never refused: ${problems.refusedSubmissions.length}${problems.refusedSubmissions.length ? ` (${[...new Set(problems.refusedSubmissions)].join(', ')})` : ''}`,
      problems.refusedSubmissions.length === 0,
    ],
    [`no ballot flagged for review (one client within the raised limits): ${flagged}`, flagged === 0],
    [`tally N per unit = N before + acknowledged ratings of it (${unitRows.filter((r) => r.holds).length}/${unitRows.length} units)`, unitRows.every((r) => r.holds)],
  ];
  console.log('\nintegrity:');
  table(
    ['unit', 'N before', '+ acknowledged', 'N after tally', ''],
    unitRows.map((r) => [r.unitId, String(r.before), String(r.added), String(r.after), r.holds ? 'holds' : 'MISMATCH']),
  );
  for (const [text, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`);
  const failed = checks.some(([, ok]) => !ok);
  console.log(`\n${failed ? 'INTEGRITY FAILED' : 'integrity holds'}`);
  return failed ? 1 : 0;

  // ---- the clients ----

  /** One client: until the time is up, a mix of submissions (fresh, retried, re-sent) and reads. */
  async function client(): Promise<void> {
    const pending: { submission: Submission; retryAt: number }[] = [];
    const mine: Submission[] = [];
    while (performance.now() < loadEndsAt) {
      const due = pending.findIndex((p) => p.retryAt <= performance.now());
      const r = Math.random();
      if (due >= 0) {
        const [{ submission }] = pending.splice(due, 1) as [(typeof pending)[number]];
        counts.retriedAfterFault += 1;
        await submit(submission, pending, mine);
      } else if (r < 0.45) {
        const form = forms[Math.random() < 0.6 ? 0 : 1]!;
        counts.fresh += 1;
        await submit(newSubmission(form), pending, mine);
      } else if (r < 0.55 && mine.length > 0) {
        counts.resent += 1;
        await submit(mine[Math.floor(Math.random() * mine.length)]!, pending, mine);
      } else if (r < 0.75) {
        await request('getForm', `/forms/${forms[Math.floor(Math.random() * 2)]!.formId}`);
      } else if (r < 0.83) {
        await request('listForms', '/forms');
      } else if (r < 0.95) {
        await request('listTallies', `/periods/${seed!.periodId}/tallies`, { headers: supervisor });
      } else {
        await request('health?deep', '/health?deep=true');
      }
      await sleep(Math.random() * 25);
    }
    drains.push(...pending.map((p) => p.submission));
  }

  /** Sends a submission; a 201 acknowledges it, a 503 or no answer leaves it to retry, anything else is refused. */
  async function submit(submission: Submission, pending: { submission: Submission; retryAt: number }[], mine: Submission[]): Promise<void> {
    const res = await request('submitResponse', '/responses', { method: 'POST', body: submission.body });
    if (res?.status === 201) {
      const receipt = ZReceipt.parse(res.json);
      const first = acknowledged.get(submission.submissionId);
      if (first && (first.receipt.submittedAt !== receipt.submittedAt || first.receipt.receiptCode !== receipt.receiptCode)) {
        problems.receiptMismatches += 1;
      }
      if (!first) {
        acknowledged.set(submission.submissionId, { submission, receipt });
        mine.push(submission);
      }
      return;
    }
    if (res === undefined || res.status === 503) {
      const wait = Math.min(MAX_RETRY_WAIT_MS, Number(res?.retryAfter ?? 1) * 1000);
      pending.push({ submission, retryAt: performance.now() + wait + Math.random() * 250 });
      return;
    }
    problems.refusedSubmissions.push(String(res.status));
  }

  /** After the load: retries every unacknowledged submission until it is acknowledged; returns how many never were. */
  async function drainAll(): Promise<number> {
    const until = performance.now() + DRAIN_MS;
    let left = drains.splice(0);
    while (left.length > 0 && performance.now() < until) {
      const again: { submission: Submission; retryAt: number }[] = [];
      for (const submission of left) {
        counts.retriedAfterFault += 1;
        await submit(submission, again, []);
      }
      left = again.map((p) => p.submission);
      if (left.length > 0) await sleep(MAX_RETRY_WAIT_MS);
    }
    return left.length;
  }

  // ---- the faults ----

  /** The schedule: a stall at 20 % of the run, a kill at 55 %, and in runs of 45 s or more another stall at 80 %. */
  async function injectFaults(): Promise<void> {
    const stallMs = SECONDS >= 30 ? 5_000 + Math.random() * 3_000 : 5_000;
    const plan: { atSeconds: number; fault: 'stall' | 'kill' }[] = [
      { atSeconds: SECONDS * 0.2, fault: 'stall' },
      { atSeconds: SECONDS * 0.55, fault: 'kill' },
      ...(SECONDS >= 45 ? [{ atSeconds: SECONDS * 0.8, fault: 'stall' as const }] : []),
    ];
    for (const { atSeconds, fault } of plan) {
      await sleep(started + atSeconds * 1000 - performance.now());
      if (fault === 'stall') {
        const from = at();
        dynamo!.pause();
        await sleep(stallMs);
        dynamo!.resume();
        faultLog.push(`+${from.toFixed(1)} s  stalled DynamoDB Local (SIGSTOP pid ${dynamo!.pid}) for ${(stallMs / 1000).toFixed(1)} s, then SIGCONT`);
      } else {
        const from = at();
        const pid = dynamo!.pid;
        await dynamo!.kill();
        // The local runtime restarts it on the same data; the API serves again once the deep health check passes.
        let healthy = false;
        while (!healthy && at() - from < 60) {
          await sleep(100);
          healthy = (await fetch(`${stack.url}/health?deep=true`).catch(() => undefined))?.status === 200;
        }
        faultLog.push(
          `+${from.toFixed(1)} s  killed DynamoDB Local (SIGKILL pid ${pid}); restarted by the runtime as pid ${dynamo!.pid} on the same data, ` +
            (healthy ? `/health?deep=true ok again at +${at().toFixed(1)} s (${(at() - from).toFixed(1)} s down)` : 'NOT back within 60 s'),
        );
      }
    }
  }

  // ---- helpers ----

  function newSubmission(form: PublishedForm): Submission {
    const submissionId = randomUUID();
    const { units, adds, answers } = answersFor(form.content);
    return { submissionId, adds, body: JSON.stringify({ formId: form.formId, version: form.version, answers, units, submissionId }) };
  }

  async function request(
    op: string,
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; retryAfter: string | null; json: unknown } | undefined> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${stack.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body ? { body: init.body } : {}),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const text = await res.text();
      const retryAfter = res.headers.get('retry-after');
      if (res.status >= 500 && retryAfter === null) problems.fiveHundredsWithoutRetryAfter += 1;
      samples.push({ op, status: String(res.status), ms: performance.now() - t0 });
      return { status: res.status, retryAfter, json: text ? (JSON.parse(text) as unknown) : undefined };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      if (timedOut) problems.hangs += 1;
      samples.push({ op, status: timedOut ? 'no answer' : 'network error', ms: performance.now() - t0 });
      return undefined;
    }
  }

  async function getJson(path: string, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await fetch(`${stack.url}${path}`, { headers });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    return res.json();
  }

  /** N of each unit in the period's tally report. */
  async function unitN(): Promise<Map<string, number>> {
    const report = ZTallyReport.parse(await retrying(() => getJson(`/periods/${seed!.periodId}/tallies`, supervisor)));
    return new Map(report.rows.map((row) => [row.unit.unitId, row.tally?.n ?? 0]));
  }

  /**
   * The stored ballots by the digest of their submission id (`submissionHash`; the id itself is never
   * stored), leaving out the day salts kept in the same table (a Scan: the whole table is this run's).
   */
  async function storedIds(): Promise<Map<string, number>> {
    const db = createDocumentClient(stack.dynamoEndpoint);
    try {
      const hashes = new Map<string, number>();
      const scan = { TableName: stack.tables.responses, ProjectionExpression: 'pk, submissionHash', ConsistentRead: true };
      for await (const page of paginateScan({ client: db }, scan)) {
        for (const item of page.Items ?? []) {
          if (item.pk === SALT_PARTITION) continue;
          const hash = String(item.submissionHash);
          hashes.set(hash, (hashes.get(hash) ?? 0) + 1);
        }
      }
      return hashes;
    } finally {
      db.destroy();
    }
  }

  /**
   * Raises the open limits of the soak's period as far as they go, through the admin API: every simulated
   * citizen shares one address and browser, and would otherwise be flagged past the first few ratings.
   */
  async function raiseOpenLimits(): Promise<void> {
    const admin = { authorization: `Bearer ${await stack.token('admin')}`, 'content-type': 'application/json' };
    const { periods } = ZPeriodList.parse(await getJson('/periods', admin));
    const period = periods.find((p) => p.periodId === seed!.periodId);
    if (!period) throw new Error(`the seed's period ${seed!.periodId} is not listed`);
    const generous: OpenLimits = { perClientPerUnitPerDay: 100_000, burstWindowMinutes: 1, burstPerUnit: 100_000, identicalPerUnit: 100_000 };
    const { name, opensAt, closesAt, minSample, groupWeights, admission, rev } = period;
    const res = await fetch(`${stack.url}/admin/periods/${period.periodId}`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ name, opensAt, closesAt, minSample, groupWeights, admission: { ...admission, openLimits: generous }, rev }),
    });
    if (res.status !== 200) throw new Error(`raising the open limits answered ${res.status}: ${await res.text()}`);
  }

  /** The ballots the last tally flagged (reviewed or not): none, when the limits take the load. */
  async function flaggedBallots(): Promise<number> {
    const { batches } = ZFlaggedBatchList.parse(await retrying(() => getJson(`/periods/${seed!.periodId}/flags`, supervisor)));
    return batches.reduce((n, b) => n + b.ballots, 0);
  }
}

/**
 * Random answers to a form: for a one-unit form one of its units rated (with the follow-up question a low
 * rating shows); for an all-units form every unit, each either rated on its dimensions (one of them now
 * and then 不了解) or 不了解 throughout. `adds` lists the units the response gives at least one rating.
 */
function answersFor(content: FormContent): { answers: Answers; units: UnitAnswers; adds: string[] } {
  const question = scoredQuestion(content);
  if (!question) throw new Error('the form has no scored question');
  const levels = scaleLevels(question.scale).map((l) => l.key);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;
  const followUps = content.questions.filter((q) => q.showIf?.questionId === question.id);
  const rateUnit = (known: boolean): Answers => {
    if (question.type === 'rating') {
      const level = known ? pick(levels) : DONT_KNOW;
      const unit: Answers = { [question.id]: level };
      for (const q of followUps) {
        if (q.showIf!.anyOf.includes(level) && (q.type === 'multipleChoice' || q.type === 'singleChoice')) {
          unit[q.id] = q.type === 'multipleChoice' ? [q.options[0]!.id] : q.options[0]!.id;
        }
      }
      return unit;
    }
    const dimensions = dimensionsOf(question);
    const unknownOne = known && Math.random() < 0.15 ? pick(dimensions).id : undefined;
    return { [question.id]: Object.fromEntries(dimensions.map((d) => [d.id, known && d.id !== unknownOne ? pick(levels) : DONT_KNOW])) };
  };
  const groupQuestion = content.questions.find((q) => q.type === 'group');
  const answers: Answers = groupQuestion && groupQuestion.type === 'group' ? { [groupQuestion.id]: pick(groupQuestion.options) } : {};
  if (content.layout === 'oneUnit') {
    const unitId = pick(content.unitIds);
    return { answers, units: { [unitId]: rateUnit(true) }, adds: [unitId] };
  }
  const units: UnitAnswers = {};
  const adds: string[] = [];
  for (const unitId of content.unitIds) {
    const known = Math.random() < 0.5;
    units[unitId] = rateUnit(known);
    if (known) adds.push(unitId);
  }
  return { answers, units, adds };
}

function percentiles(values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  const p = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return [p(0.5), p(0.9), p(0.99), sorted.at(-1) ?? NaN].map((v) => v.toFixed(0));
}

function statusCounts(samples: Sample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}: ${n}`).join(', ');
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

async function retrying<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(1_000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
