import { staffActorOf } from '../cases/staff-actor';
import { importLedger as runImport } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { readSpreadsheet } from '../../platform/spreadsheet';
import { importLedger } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(importLedger, async ({ body }, { caller }) => {
  const table = await readSpreadsheet(body.format, Buffer.from(body.content, 'base64'));
  return ok(await runImport(deps, staffActorOf(caller), table, { dryRun: body.dryRun }));
});
