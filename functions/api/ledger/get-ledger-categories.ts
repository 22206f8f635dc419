import { ledgerCategories } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getLedgerCategories } from '../../routes/ledger';
import { ledgerCategoryDeps } from '../../store/deps';

const deps = ledgerCategoryDeps();

export const handler = httpHandler(getLedgerCategories, async () => ok(await ledgerCategories(deps)));
