import { staffActorOf } from '../cases/staff-actor';
import { actOnLedgerItem as act } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { actOnLedgerItem } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(actOnLedgerItem, async ({ params, body }, { caller }) => ok(await act(deps, staffActorOf(caller), params.itemId, body)));
