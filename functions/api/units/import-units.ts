import { importUnits as runImport } from '../../domain/units/unit-import';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { readSpreadsheet } from '../../platform/spreadsheet';
import { importUnits } from '../../routes/units';
import { unitDeps } from '../../store/deps';

const deps = unitDeps();

export const handler = httpHandler(importUnits, async ({ body }) => {
  const table = await readSpreadsheet(body.format, Buffer.from(body.content, 'base64'));
  return ok(await runImport(deps, table, { dryRun: body.dryRun }));
});
