import { setLedgerCategories as save } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { setLedgerCategories } from '../../routes/ledger';
import { ledgerCategoryDeps } from '../../store/deps';

const deps = ledgerCategoryDeps();

export const handler = httpHandler(setLedgerCategories, async ({ body }) => ok(await save(deps, body)));
