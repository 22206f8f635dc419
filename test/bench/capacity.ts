import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../functions/domain/evaluation/ballot-token';
import { cstDay } from '../../functions/domain/evaluation/client-key';
import type { SubmissionClient, SubmissionInput } from '../../functions/domain/evaluation/response';
import { submitResponse } from '../../functions/domain/evaluation/response';
import { ballotKeySource } from '../../functions/store/ballot-keys';
import { createDocumentClient } from '../../functions/store/client';
import { saltKeeper } from '../../functions/store/evaluation/admission-store';
import { submitDeps } from '../../functions/store/deps';
import type { LocalStack } from '../../infra/local/stack';

export interface CapacityFigures {
  /** Write units of the day's first open submission: it also makes the day's salt. */
  writeOpenFirstOfDay: number;
  /** Write units of each later open submission (the salt is known), averaged. */
  writeOpenLater: number;
  /** Write units of a submission with an invitation token, averaged: the one write also uses the token up. */
  writeTokenized: number;
  /** How many submissions each average is over. */
  averagedOver: number;
  /** Write units of one response rating one unit with a 500-character Chinese comment. */
  writeLongComment: number;
  /** Write units of one all-units response: ten units on four dimensions each. */
  writeAllUnits: number;
  /** Its item size in bytes (as DynamoDB counts it, roughly: the JSON of names and values). */
  allUnitsItemBytes: number;
  /** Read units of the first submission of a cold function (form, version and period). */
  readCold: number;
  /** Read units of each later submission, open or tokenized (the catalog is cached; the keys come from the secret). */
  readWarm: number;
}

/**
 * Records the ConsumedCapacity of every call a client makes, asking DynamoDB for it on each call, so the
 * production code path is measured as it is. A write whose condition fails reports no capacity here (the
 * error carries none), though DynamoDB charges it: the figures are for submissions that store a ballot.
 */
export function meter(db: DynamoDBDocumentClient) {
  let reads = 0;
  let writes = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      // TOTAL reports one CapacityUnits figure per table; the command says whether it was read or written.
      const isRead = /^(Get|BatchGet|Query|Scan)/.test(context.commandName ?? '');
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity[] | ConsumedCapacity }).ConsumedCapacity;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        if (isRead) reads += c.CapacityUnits ?? 0;
        else writes += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return {
    take() {
      const out = { reads, writes };
      reads = 0;
      writes = 0;
      return out;
    },
  };
}

/** One citizen's phone; every open submission here comes from it. */
const CLIENT: SubmissionClient = { address: '198.51.100.23', userAgent: 'Mozilla/5.0 (Linux; Android 14) pingyi-bench' };
const ROUNDS = 10;

/**
 * Submits responses to the demo forms through the real submit path (submitDeps, as the function wires
 * it: the stack's ballot keys, the day salts in the responses table) against the stack's DynamoDB Local,
 * and reads what each one cost.
 */
export async function measureCapacity(stack: LocalStack): Promise<CapacityFigures> {
  const seed = stack.seed;
  if (!seed) throw new Error('the capacity benchmark needs the demo seed');
  const db = createDocumentClient(stack.dynamoEndpoint);
  const readings = meter(db);
  try {
    // Forget today's salt (the seed's submissions may have made it), so that the first open submission of
    // this cold function is the first of the day, as on a real morning.
    await saltKeeper(db, stack.tables.responses).deleteSalt(cstDay(new Date()));
    readings.take();
    const deps = submitDeps(db);
    const ring = await ballotKeySource()();

    const windows = (extra: Partial<SubmissionInput> = {}, comment?: string): SubmissionInput => ({
      formId: seed.forms.windows,
      version: 1,
      answers: {},
      units: { 'window-general': { overall: 'satisfied', ...(comment ? { comment } : {}) } },
      submissionId: randomUUID(),
      ...extra,
    });
    const invitation = (n: number) =>
      signToken(ring, {
        kind: 'invitation',
        periodId: seed.periodId,
        unitId: 'window-general',
        expiresAt: new Date(Date.now() + 24 * 3_600_000),
        serial: `benchbatch-${n.toString(36)}-${randomUUID().slice(0, 8)}`,
      });

    await submitResponse(deps, windows(), CLIENT);
    const firstOfDay = readings.take();

    let openLater = { reads: 0, writes: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      await submitResponse(deps, windows(), CLIENT);
      const r = readings.take();
      openLater = { reads: openLater.reads + r.reads, writes: openLater.writes + r.writes };
    }

    let tokenized = { reads: 0, writes: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      await submitResponse(deps, windows({ token: invitation(i) }), CLIENT);
      const r = readings.take();
      tokenized = { reads: tokenized.reads + r.reads, writes: tokenized.writes + r.writes };
    }

    await submitResponse(deps, windows({}, '窗口排队时间长，'.repeat(63).slice(0, 500)), CLIENT);
    const long = readings.take();

    const annualUnits = [
      'service-centre', 'tax-bureau', 'market-supervision', 'human-resources', 'household-registration',
      'real-estate-registration', 'chengguan-town', 'qingshui-town', 'dongguan-subdistrict', 'xinhe-subdistrict',
    ];
    const levels = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'];
    const annual: SubmissionInput = {
      formId: seed.forms.annual,
      version: 1,
      answers: { group: 'enterprise' },
      units: Object.fromEntries(
        annualUnits.map((u, i) => [
          u,
          { evaluation: { attitude: levels[i % 5]!, efficiency: levels[(i + 1) % 5]!, integrity: 'basicallySatisfied', policy: 'dissatisfied' } },
        ]),
      ),
      submissionId: randomUUID(),
    };
    await submitResponse(deps, annual, CLIENT);
    const all = readings.take();
    return {
      writeOpenFirstOfDay: firstOfDay.writes,
      writeOpenLater: openLater.writes / ROUNDS,
      writeTokenized: tokenized.writes / ROUNDS,
      averagedOver: ROUNDS,
      writeLongComment: long.writes,
      writeAllUnits: all.writes,
      allUnitsItemBytes: Buffer.byteLength(JSON.stringify(annual)),
      readCold: firstOfDay.reads,
      readWarm: (openLater.reads + tokenized.reads) / (2 * ROUNDS),
    };
  } finally {
    db.destroy();
  }
}
