import { staffActorOf } from '../cases/staff-actor';
import { ledgerView } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listLedger } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(listLedger, async ({ query }, { caller }) => ok(await ledgerView(deps, staffActorOf(caller), query)));
