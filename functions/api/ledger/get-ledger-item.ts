import { staffActorOf } from '../cases/staff-actor';
import { getLedgerDetail } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { getLedgerItem } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(getLedgerItem, async ({ params }, { caller }) => ok(await getLedgerDetail(deps, staffActorOf(caller), params.itemId)));
