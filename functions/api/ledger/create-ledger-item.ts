import { staffActorOf } from '../cases/staff-actor';
import { createLedgerItem as create } from '../../domain/ledger/workflow';
import { httpHandler } from '../../platform/http';
import { created } from '../../platform/results';
import { createLedgerItem } from '../../routes/ledger';
import { ledgerDeps } from '../../store/deps';

const deps = ledgerDeps();

export const handler = httpHandler(createLedgerItem, async ({ body }, { caller }) => created(await create(deps, staffActorOf(caller), body)));
