import { listDisclosures as list } from '../../domain/disclosure/workflow';
import { httpHandler } from '../../platform/http';
import { ok } from '../../platform/results';
import { listDisclosures } from '../../routes/disclosure';
import { disclosureDeps } from '../../store/deps';

const deps = disclosureDeps();

export const handler = httpHandler(listDisclosures, async () => ok(await list(deps)));
