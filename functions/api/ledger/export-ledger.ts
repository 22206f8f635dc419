import { staffActorOf } from '../cases/staff-actor';
import { exportLedger as exportView } from '../../domain/ledger/workflow';
import { cstDate } from '../../domain/working-days';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { writeXlsx } from '../../platform/spreadsheet';
import { exportLedger } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(exportLedger, async ({ query }, { caller }) => {
  const book = await exportView(deps, staffActorOf(caller), query);
  return fileResult(exportLedger.responses[0].contentType, `整改台账-${cstDate(deps.now())}.xlsx`, await writeXlsx(book));
});
