import { health } from '../routes/platform';
import { httpHandler } from '../platform/http';
import { ok } from '../platform/results';
import { VERSION } from '../platform/version';

export const handler = httpHandler(health, async () => ok({ status: 'ok', version: VERSION }));
