import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { submitResponse, type ResponseInput } from '../../functions/domain/response';
import { catalogStore } from '../../functions/store/catalog-store';
import { createDocumentClient } from '../../functions/store/client';
import { submitDeps } from '../../functions/store/deps';
import {
  createTables,
  localDynamoClient,
  localFunctionEnv,
  startDynamoDbLocal,
  tableNames,
} from '../../infra/local/dynamodb';
import { aForm, aPeriod, aUnit } from '../fixtures/catalog';

export interface CapacityFigures {
  /** Write units of one submission without a comment. */
  writePlain: number;
  /** Write units of one submission with the longest comment the form allows. */
  writeLongComment: number;
  /** Read units of one submission (the form and its period). */
  readPerSubmission: number;
  dynamoStartupMs: number;
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
      const add = (list: ConsumedCapacity[] | ConsumedCapacity | undefined) => {
        for (const c of Array.isArray(list) ? list : list ? [list] : []) {
          if (isRead) reads += c.CapacityUnits ?? 0;
          else writes += c.CapacityUnits ?? 0;
        }
      };
      const result = await next(args);
      add((result.output as { ConsumedCapacity?: ConsumedCapacity[] | ConsumedCapacity }).ConsumedCapacity);
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

/** Submits ratings through the real submit path against DynamoDB Local and reads what each one cost. */
export async function measureCapacity(): Promise<CapacityFigures> {
  const ddbLocal = await startDynamoDbLocal({ inMemory: true });
  try {
    const names = tableNames('bench');
    await createTables(localDynamoClient(ddbLocal.endpoint), names);
    Object.assign(process.env, localFunctionEnv(ddbLocal.endpoint, names));

    const now = Date.now();
    const period = aPeriod({
      opensAt: new Date(now - 86_400_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
    });
    const form = aForm({ commentMaxLength: 500 });
    const db = createDocumentClient(ddbLocal.endpoint);
    const catalog = catalogStore(db, names.catalog);
    await Promise.all([catalog.putPeriod(period), catalog.putForm(form), catalog.putUnit(aUnit())]);

    const meterDb = createDocumentClient(ddbLocal.endpoint);
    const meterReadings = meter(meterDb);
    const deps = submitDeps(meterDb);
    const input = (comment?: string): ResponseInput => ({
      formId: form.formId,
      periodId: period.periodId,
      unitId: 'tax-bureau',
      rating: 'dissatisfied',
      group: 'citizen',
      submissionId: randomUUID(),
      ...(comment ? { comment } : {}),
    });

    await submitResponse(deps, input());
    const first = meterReadings.take();

    await submitResponse(deps, input('窗口排队时间长，'.repeat(63).slice(0, form.commentMaxLength)));
    const long = meterReadings.take();

    return {
      writePlain: first.writes,
      writeLongComment: long.writes,
      readPerSubmission: first.reads,
      dynamoStartupMs: ddbLocal.startupMs,
    };
  } finally {
    await ddbLocal.stop();
  }
}
