import { openApi } from '../routes/platform';
import { httpHandler } from '../platform/http';
import { openApiDocument } from '../platform/openapi';
import { ok } from '../platform/results';
import { VERSION } from '../platform/version';

const document = openApiDocument(VERSION);

export const handler = httpHandler(openApi, async () => ok(document));
