import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { SubmissionInput } from '../../functions/domain/evaluation/response';
import { submitResponse } from '../../functions/domain/evaluation/response';
import { createDocumentClient } from '../../functions/store/client';
import { submitDeps } from '../../functions/store/deps';
import type { LocalStack } from '../../infra/local/stack';

export interface CapacityFigures {
  /** Write units of one response rating one unit, without a comment. */
  writeOneUnit: number;
  /** Write units of one response rating one unit with a 500-character Chinese comment. */
  writeLongComment: number;
  /** Write units of one all-units response: ten units on four dimensions each. */
  writeAllUnits: number;
  /** Its item size in bytes (as DynamoDB counts it, roughly: the JSON of names and values). */
  allUnitsItemBytes: number;
  /** Read units of the first submission of a cold function (form, version and period). */
  readCold: number;
  /** Read units of each later submission (the catalog is cached; published versions never change). */
  readWarm: number;
}

/**
 * Records the ConsumedCapacity of every call a client makes, asking DynamoDB for it on each call, so the
 * production code path is measured as it is.
 */
function meter(db: DynamoDBDocumentClient) {
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

/**
 * Submits responses to the demo forms through the real submit path (submitDeps, as the function wires
 * it) against the stack's DynamoDB Local, and reads what each one cost.
 */
export async function measureCapacity(stack: LocalStack): Promise<CapacityFigures> {
  const seed = stack.seed;
  if (!seed) throw new Error('the capacity benchmark needs the demo seed');
  const db = createDocumentClient(stack.dynamoEndpoint);
  const readings = meter(db);
  const deps = submitDeps(db);
  try {
    const windows = (comment?: string): SubmissionInput => ({
      formId: seed.forms.windows,
      version: 1,
      answers: {},
      units: { 'window-general': { overall: 'satisfied', ...(comment ? { comment } : {}) } },
      submissionId: randomUUID(),
    });
    await submitResponse(deps, windows());
    const cold = readings.take();
    await submitResponse(deps, windows());
    const warm = readings.take();
    await submitResponse(deps, windows('窗口排队时间长，'.repeat(63).slice(0, 500)));
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
    await submitResponse(deps, annual);
    const all = readings.take();
    return {
      writeOneUnit: warm.writes,
      writeLongComment: long.writes,
      writeAllUnits: all.writes,
      allUnitsItemBytes: Buffer.byteLength(JSON.stringify(annual)),
      readCold: cold.reads,
      readWarm: warm.reads,
    };
  } finally {
    db.destroy();
  }
}
