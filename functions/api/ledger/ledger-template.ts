import { ledgerCategories } from '../../domain/ledger/workflow';
import { ledgerTemplate as template } from '../../domain/ledger/ledger-import';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { writeXlsx } from '../../platform/spreadsheet';
import { ledgerTemplate } from '../../routes/ledger';
import { ledgerCategoryDeps } from '../../store/deps';

const deps = ledgerCategoryDeps();

// The workbook changes only with the category list: written once per revision of it, per warm function.
let written: { rev: number; bytes: Promise<Uint8Array> } | undefined;

export const handler = httpHandler(ledgerTemplate, async () => {
  const { categories, rev } = await ledgerCategories(deps);
  if (written?.rev !== rev) {
    const bytes = writeXlsx(template(categories));
    bytes.catch(() => (written = undefined));
    written = { rev, bytes };
  }
  return fileResult(ledgerTemplate.responses[0].contentType, '整改台账导入模板.xlsx', await written.bytes);
});
