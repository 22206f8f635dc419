import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { OpenAPI3 } from 'openapi-typescript';
import * as z from 'zod/mini';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZPublishedForm, ZFormSummaryList } from '../../functions/domain/evaluation/published-form';
import { ZServiceRecordLink } from '../../functions/domain/evaluation/invitations';
import { ZReceipt } from '../../functions/domain/evaluation/response';
import { dynamoEndpoint } from './helpers';
import { ZTallyReport } from '../../functions/domain/evaluation/tally-report';
import { ZErrorBody } from '../../functions/platform/error-body';
import { deleteTables, localDynamoClient } from '../../infra/local/dynamodb';
import { DEMO_WINDOW_RESPONSES } from '../../infra/local/seed';
import { startLocal, type LocalStack } from '../../infra/local/stack';

/**
 * The served /openapi.json as a client generator sees it: openapi-typescript (a widely used generator,
 * which aborts on a schema that is only a `$ref` to itself) turns it into types, a small openapi-fetch
 * program written against those types must type-check with the repo's TypeScript, and that program then
 * calls the local stack (`npm start`'s, on the run's DynamoDB Local, seeded with the demo district).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const run = promisify(execFile);
/** Each child step (type-check, client run) is cut off well inside the test's own time-box. */
const STEP_TIMEOUT_MS = 30_000;

type JsonObject = Record<string, unknown>;

/**
 * openapi-typescript 7 builds its output with the TypeScript 5 compiler API; the repo's `typescript` is
 * TypeScript 7, which has no such API. npm cannot give a root dependency a peer of its own (it places a
 * peer beside its dependent and rejects one nested under it), so package.json points the generator's peer
 * at the root TypeScript (an override, to keep the tree valid) and this hook hands the generator's
 * `import ts from 'typescript'` the TypeScript 5.9 compiler that @ts-morph/common bundles (no `tsc` bin of
 * its own to clash with TypeScript 7's). Only imports from inside openapi-typescript are redirected.
 */
async function loadGenerator(): Promise<typeof import('openapi-typescript')> {
  const compiler = pathToFileURL(createRequire(import.meta.url).resolve('@ts-morph/common')).href;
  const shim = `data:text/javascript,${encodeURIComponent(`import common from ${JSON.stringify(compiler)}; export default common.ts;`)}`;
  const hooks = `export async function resolve(specifier, context, next) {
    return specifier === 'typescript' && (context.parentURL ?? '').includes('/node_modules/openapi-typescript/')
      ? { url: ${JSON.stringify(shim)}, shortCircuit: true }
      : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  return import('openapi-typescript');
}

/** Every `$ref` in the document, with where it stands. */
function refsOf(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsOf(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsOf(v, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  );
}

/** What a local JSON pointer (`#/components/schemas/Error`) names in the document, or undefined. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

/** The client program: written against the generated types, type-checked, then run against the stack. */
const CLIENT = `
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Problem = components['schemas']['Error'];
type GatewayRefusal = components['schemas']['GatewayError'];

const [baseUrl, windowsFormId, supervisorToken, machineToken] = process.argv.slice(2);
if (!baseUrl || !windowsFormId || !supervisorToken || !machineToken) throw new Error('usage: client.ts <baseUrl> <formId> <token> <machine token>');
const api = createClient<paths>({ baseUrl });

// Never called: proves the generated types are strict (an unused @ts-expect-error fails the type-check).
export function typesAreStrict() {
  // @ts-expect-error: the API has no such path
  void api.GET('/no-such-path');
  // @ts-expect-error: a submission rates units
  void api.POST('/responses', { body: { formId: windowsFormId, version: 1 } });
  // @ts-expect-error: a form is read by its id
  void api.GET('/forms/{formId}', { params: { path: {} } });
}

const list = await api.GET('/forms');
const summary = list.data?.forms.find((f) => f.formId === windowsFormId);
if (!summary) throw new Error('the windows form is not listed');

const form = await api.GET('/forms/{formId}', { params: { path: { formId: summary.formId } } });
if (!form.data) throw new Error('the windows form could not be read');
const version: number = form.data.version;
const unitId: string | undefined = form.data.units.find((u) => u.unitId === 'window-general')?.unitId;
if (!unitId) throw new Error('the windows form has no general window');

const submissionId = randomUUID();
const submitted = await api.POST('/responses', {
  body: { formId: form.data.formId, version, units: { [unitId]: { overall: 'satisfied' } }, submissionId },
});

const rejected = await api.POST('/responses', {
  params: { header: { 'Accept-Language': 'en' } },
  body: { formId: 'Not An Id', version: 0, units: {}, submissionId: 'not-a-uuid' },
});
// A 400 comes from the function (an Error); where the gateway may answer first (401, 503) it is either.
const refusal: Problem | GatewayRefusal | undefined = rejected.error;
const problem: Problem | undefined = refusal && 'code' in refusal ? refusal : undefined;
const fields: { path: string; message: string }[] = problem?.fields ?? [];

const periodId: string = form.data.period.periodId;
const tallies = await api.GET('/periods/{periodId}/tallies', {
  params: { path: { periodId } },
  headers: { Authorization: 'Bearer ' + supervisorToken },
});
const anonymous = await api.GET('/periods/{periodId}/tallies', { params: { path: { periodId } } });

// Another system posts a completed service with its client-credentials token and gets the link that rates it.
const record = await api.POST('/service-records', {
  body: { formId: windowsFormId, unitId, recordNumber: 'SZ-2026-000042' },
  headers: { Authorization: 'Bearer ' + machineToken },
});
const recordPath: string | undefined = record.data?.path;

console.log(
  JSON.stringify({
    list: { status: list.response.status, body: list.data },
    form: { status: form.response.status, body: form.data },
    submitted: { status: submitted.response.status, body: submitted.data, submissionId },
    rejected: { status: rejected.response.status, body: problem, fields: fields.map((f) => f.path) },
    tallies: { status: tallies.response.status, body: tallies.data },
    anonymous: { status: anonymous.response.status, body: anonymous.error },
    record: { status: record.response.status, body: record.data, path: recordPath },
  }),
);
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  },
  files: ['client.ts', 'api.ts'],
};

describe('the OpenAPI document with a generated client', () => {
  let stack: LocalStack;
  let dataDir: string;
  let workDir: string;
  let windowsFormId: string;
  let doc: JsonObject;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pingyi-it-openapi-data-'));
    workDir = mkdtempSync(join(tmpdir(), 'pingyi-it-openapi-client-'));
    stack = await startLocal({
      dataDir,
      dynamoEndpoint: await dynamoEndpoint(),
      tablePrefix: `it-oas-${randomUUID().slice(0, 8)}`,
      inMemory: true,
      web: false,
      quiet: true,
      seed: true,
      tallyEveryMs: 60 * 60 * 1000,
    });
    if (!stack.seed) throw new Error('the stack was not seeded');
    windowsFormId = stack.seed.forms.windows;
    // The seed's ballots are counted and tallied before the client runs, so the report it reads is known.
    await stack.drainStreams();
    await stack.runJob('tally');

    const res = await fetch(`${stack.url}/openapi.json`);
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
    doc = (await res.json()) as JsonObject;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    const admin = localDynamoClient(await dynamoEndpoint());
    if (stack) await deleteTables(admin, stack.tables);
    admin.destroy();
    for (const dir of [dataDir, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no component that is only a $ref to itself, and every $ref resolves', () => {
    // prepare
    const schemas = (doc.components as { schemas: Record<string, JsonObject> }).schemas;

    // act
    const refs = refsOf(doc);
    const unresolved = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined);
    // A component that is nothing but a chain of $refs coming back to itself has no shape at all.
    const circular = Object.keys(schemas).filter((name) => {
      const seen = new Set<string>();
      let node: unknown = schemas[name];
      let ref = `#/components/schemas/${name}`;
      while (typeof node === 'object' && node !== null && typeof (node as JsonObject).$ref === 'string') {
        if (seen.has(ref)) return true;
        seen.add(ref);
        ref = (node as { $ref: string }).$ref;
        node = resolvePointer(doc, ref);
      }
      return seen.has(ref);
    });

    // assert
    expect(refs.length).toBeGreaterThan(0);
    expect(unresolved).toEqual([]);
    expect(circular).toEqual([]);
    expect(schemas.Error).toMatchObject({ type: 'object', required: expect.arrayContaining(['code', 'message']) });
  });

  it('generates a client that type-checks and calls the API as documented', async () => {
    // prepare: types from the served document, an ES module program using them, a tsconfig; node_modules linked in
    const { default: openapiTS, astToString } = await loadGenerator();
    // The document states what is required separately for requests and answers (zod's input and output
    // views), so a property with a default is already optional where it may be left out (a submission's
    // `answers`); the generator's default would instead assume every defaulted property is present.
    const types = astToString(await openapiTS(structuredClone(doc) as unknown as OpenAPI3, { defaultNonNullable: false }));
    writeFileSync(join(workDir, 'api.ts'), types);
    writeFileSync(join(workDir, 'client.ts'), CLIENT);
    writeFileSync(join(workDir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(workDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');

    // act: type-check with the repo's TypeScript 7, then run the program against the stack
    const typecheck = await run(join(BIN, 'tsc'), ['--noEmit', '-p', workDir], { cwd: workDir, timeout: STEP_TIMEOUT_MS }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string; message: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
      }),
    );
    expect(typecheck).toEqual({ ok: true, output: '' });
    const { stdout } = await run(
      join(BIN, 'tsx'),
      [join(workDir, 'client.ts'), stack.url, windowsFormId, await stack.token('supervisor'), await stack.machineToken('service-records')],
      { cwd: workDir, timeout: STEP_TIMEOUT_MS },
    );
    const got = JSON.parse(stdout) as Record<string, { status: number; body: unknown; submissionId?: string; fields?: string[]; path?: string }>;

    // assert: the published forms, one form, a stored response, a named rejection, the tallies
    expect(got.list!.status).toBe(200);
    const listed = ZFormSummaryList.parse(got.list!.body).forms.find((f) => f.formId === windowsFormId);
    expect(listed).toMatchObject({ formId: windowsFormId, layout: 'oneUnit', state: 'open' });

    expect(got.form!.status).toBe(200);
    const form = ZPublishedForm.parse(got.form!.body);
    expect(form).toMatchObject({ formId: windowsFormId, version: listed!.version, preview: false });

    expect(got.submitted!.status).toBe(201);
    expect(ZReceipt.parse(got.submitted!.body)).toEqual({
      receiptCode: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      formId: windowsFormId,
      version: form.version,
      periodId: form.period.periodId,
      ballotRef: expect.stringMatching(/^o\./),
      submittedAt: expect.any(String),
    });
    expect(JSON.stringify(got.submitted!.body)).not.toContain(got.submitted!.submissionId);

    expect(got.rejected!.status).toBe(400);
    const problem = ZErrorBody.parse(got.rejected!.body);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect([...got.rejected!.fields!].sort()).toEqual(['formId', 'submissionId', 'version']);
    for (const field of problem.fields ?? []) expect(field.message).not.toMatch(/[\u4e00-\u9fff]/);

    expect(got.tallies!.status).toBe(200);
    const report = ZTallyReport.parse(got.tallies!.body);
    expect(report.period.periodId).toBe(form.period.periodId);
    expect(report.run).not.toBeNull();
    const general = report.rows.find((r) => r.unit.unitId === 'window-general');
    // Tallied before the client's response: the seed's ballots for this window, no more.
    expect(general?.tally?.ballots).toBe(DEMO_WINDOW_RESPONSES);

    // API Gateway's JWT authorizer answers for a call without a token, before any function runs.
    expect(got.anonymous!.status).toBe(401);
    expect(z.object({ message: z.string() }).safeParse(got.anonymous!.body).success).toBe(true);

    // The machine route, called with the security scheme the document declares for it.
    expect(got.record!.status).toBe(200);
    expect(ZServiceRecordLink.parse(got.record!.body).path).toMatch(new RegExp(`^rate\\.html\\?form=${windowsFormId}&unit=window-general#t=r\\.`));
    expect(got.record!.path).not.toContain('SZ-2026-000042');
  }, 60_000);
});
