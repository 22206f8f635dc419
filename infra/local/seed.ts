import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PUBLIC_GROUP_ID, defaultAdmission } from '../../functions/domain/evaluation/admission';
import type { Answers, UnitAnswers } from '../../functions/domain/evaluation/answers';
import { newReceiptCode } from '../../functions/domain/evaluation/ballot-ids';
import { invitationSerial, keyRingOf, signToken, type KeyRing } from '../../functions/domain/evaluation/ballot-token';
import { newSalt } from '../../functions/domain/evaluation/client-key';
import { type FormContent, type FormVersion } from '../../functions/domain/evaluation/form';
import { dimensionsOf, scoredQuestion } from '../../functions/domain/evaluation/questions';
import type { Period } from '../../functions/domain/evaluation/period';
import { DONT_KNOW, RATING_LEVELS, type Rating } from '../../functions/domain/evaluation/rating-scale';
import { STANDARD_GROUPS } from '../../functions/domain/evaluation/respondent-group';
import { dimensionsQuestion, groupQuestion, overallRatingQuestion } from '../../functions/domain/evaluation/starter';
import {
  submitResponse,
  type SubmissionClient,
  type SubmissionInput,
  type SubmitResponseDeps,
} from '../../functions/domain/evaluation/response';
import { AdmissionRefusedError, CONFLICT, ConflictError, PeriodClosedError, ValidationError } from '../../functions/domain/errors';
import { createForm, publishForm, type FormAdminDeps } from '../../functions/domain/evaluation/form-admin';
import { issueInvitations, type InvitationBatch, type InvitationDeps } from '../../functions/domain/evaluation/invitations';
import { TIME_ZONE, TIME_ZONE_OFFSET } from '../../functions/domain/time-zone';
import type { Unit } from '../../functions/domain/units/unit';
import { invitationStore } from '../../functions/store/evaluation/admission-store';
import { catalogStore } from '../../functions/store/evaluation/catalog-store';
import { responseStore } from '../../functions/store/evaluation/response-store';
import type { TableKey } from '../../functions/store/tables';
import { unitStore } from '../../functions/store/units/unit-store';
import { uuidV5 } from './ids';
import { seedDemoCases } from './seed-cases';
import { seedDemoLedger } from './seed-ledger';
import { SUPERVISORS_ENTRY } from '../../functions/domain/notifications/directory';
import { directoryStore } from '../../functions/store/notifications/directory-store';

/**
 * The demo data of `npm start` (and of the tests that want a realistic district): 示范区 with ten units
 * and three service windows, the standard respondent groups (deputies and appointed supervisors count only
 * through invitations), an evaluation period covering the current year (Asia/Shanghai) that is open to
 * anyone with the link, and two published forms — the annual all-units 网上社会评议 on four dimensions, and
 * a one-unit form for the service windows, reached through printable QR links (一次一评) — with a batch of
 * invitations for deputies on the annual form, and deterministic demo responses submitted through the real
 * submitResponse use case: the deputies' through their invitations, the others as open ballots.
 *
 * Seeding creates what is missing and never overwrites: an admin's edits to the demo survive a restart,
 * and the demo responses carry fixed submission ids, so a second seed meets the first one's items instead
 * of adding ballots.
 */

const DEMO_TIME = '2026-01-01T00:00:00.000Z';
const demoUnit = (unitId: string, kind: Unit['kind'], zh: string, en: string, parentId: string | null = null): Unit => ({
  unitId,
  kind,
  name: { 'zh-CN': zh, en },
  parentId,
  status: 'active',
  rev: 1,
  updatedAt: DEMO_TIME,
});

/** The units of 示范区 (demo district): ten rated on the annual form, three windows of its service centre. */
export const DEMO_UNITS: readonly Unit[] = [
  demoUnit('service-centre', 'department', '区政务服务中心', 'District Administrative Service Centre'),
  demoUnit('tax-bureau', 'bureau', '区税务局', 'District Tax Bureau'),
  demoUnit('market-supervision', 'bureau', '区市场监督管理局', 'District Market Supervision Administration'),
  demoUnit('human-resources', 'bureau', '区人力资源和社会保障局', 'District Human Resources and Social Security Bureau'),
  demoUnit('household-registration', 'department', '区公安分局户政大厅', 'District Public Security Sub-bureau, Household Registration Hall'),
  demoUnit('real-estate-registration', 'department', '区不动产登记中心', 'District Real Estate Registration Centre'),
  demoUnit('chengguan-town', 'town', '城关镇人民政府', 'Chengguan Town Government'),
  demoUnit('qingshui-town', 'town', '清水镇人民政府', 'Qingshui Town Government'),
  demoUnit('dongguan-subdistrict', 'subdistrict', '东关街道办事处', 'Dongguan Subdistrict Office'),
  demoUnit('xinhe-subdistrict', 'subdistrict', '新河街道办事处', 'Xinhe Subdistrict Office'),
  demoUnit('window-general', 'serviceWindow', '政务服务中心综合受理窗口', 'Service Centre general intake window', 'service-centre'),
  demoUnit('window-business', 'serviceWindow', '政务服务中心企业开办窗口', 'Service Centre business registration window', 'service-centre'),
  demoUnit('window-social-security', 'serviceWindow', '政务服务中心社保医保窗口', 'Service Centre social and medical insurance window', 'service-centre'),
];

const ANNUAL_UNITS = DEMO_UNITS.filter((u) => u.kind !== 'serviceWindow').map((u) => u.unitId);
const WINDOW_UNITS = DEMO_UNITS.filter((u) => u.kind === 'serviceWindow').map((u) => u.unitId);

/** How well each unit is rated (0 = badly, 1 = well) and how many respondents know it (share of responses). */
const DEMO_QUALITY: Readonly<Record<string, { quality: number; known: number }>> = {
  'service-centre': { quality: 0.9, known: 0.85 },
  'tax-bureau': { quality: 0.75, known: 0.7 },
  'market-supervision': { quality: 0.55, known: 0.6 },
  'human-resources': { quality: 0.7, known: 0.55 },
  'household-registration': { quality: 0.85, known: 0.5 },
  'real-estate-registration': { quality: 0.35, known: 0.35 },
  'chengguan-town': { quality: 0.65, known: 0.25 },
  'qingshui-town': { quality: 0.5, known: 0.15 },
  'dongguan-subdistrict': { quality: 0.8, known: 0.08 },
  'xinhe-subdistrict': { quality: 0.5, known: 0.03 },
  'window-general': { quality: 0.85, known: 1 },
  'window-business': { quality: 0.6, known: 1 },
  'window-social-security': { quality: 0.4, known: 1 },
};

/** With the period's minimum sample of 30, the better-known units are ranked and the others show "insufficient sample". */
export const DEMO_MIN_SAMPLE = 30;
/** Responses to the annual form, and per service window. */
export const DEMO_ANNUAL_RESPONSES = 120;
export const DEMO_WINDOW_RESPONSES = 25;

/** W_g of the demo period: 群众 0.5, 企业 0.3, 人大代表、政协委员 0.1, 特邀监督员 0.1. */
export const DEMO_GROUP_WEIGHTS: Readonly<Record<string, number>> = {
  citizen: 0.5,
  enterprise: 0.3,
  deputy: 0.1,
  'appointed-supervisor': 0.1,
};

/** How often each group answers the annual form (citizens most). */
const GROUP_SHARE: Readonly<Record<string, number>> = { citizen: 0.6, enterprise: 0.25, deputy: 0.08, 'appointed-supervisor': 0.07 };

const DEMO_COMMENTS = [
  '办事效率高，窗口工作人员态度很好。',
  '排队时间较长，希望高峰期多开窗口。',
  '材料清单一次性告知，不用来回跑。',
  '电话咨询一直占线，打不通。',
  '网上预约很方便。',
  '工作人员对政策解释不够清楚。',
];

/** The year it is now in China (the demo period is that calendar year, in +08:00). */
export function shanghaiYear(now: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: TIME_ZONE, year: 'numeric' }).format(now));
}

/** The demo evaluation period: the whole calendar year of `now` in Asia/Shanghai. */
export function demoPeriod(now: Date): Period {
  const year = shanghaiYear(now);
  return {
    periodId: `${year}-annual`,
    name: { 'zh-CN': `${year}年度评议`, en: `${year} annual evaluation` },
    opensAt: `${year}-01-01T00:00:00${TIME_ZONE_OFFSET}`,
    closesAt: `${year + 1}-01-01T00:00:00${TIME_ZONE_OFFSET}`,
    groupWeights: { ...DEMO_GROUP_WEIGHTS },
    minSample: DEMO_MIN_SAMPLE,
    // Open to anyone with the link; a ballot claiming a group that counts only through invitations without
    // one (the demo's appointed supervisors) is counted as the public.
    admission: defaultAdmission(PUBLIC_GROUP_ID),
    rev: 1,
    updatedAt: DEMO_TIME,
  };
}

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** The annual 网上社会评议: every unit on one page, rated on four dimensions, 不了解 for the units one does not know. */
export function demoAnnualContent(year: number): FormContent {
  return {
    title: text(`示范区${year}年度机关作风网上社会评议`, `Demo District ${year} annual public appraisal of government units`),
    intro: text(
      '请对您了解的单位逐项评价；不了解的单位请选“不了解”。评价匿名，任何评价都会被完整计入。',
      "Rate each unit you know on every aspect; answer \"Don't know\" for the others. Ratings are anonymous and every one is counted.",
    ),
    layout: 'allUnits',
    unitIds: ANNUAL_UNITS,
    defaultGroup: 'citizen',
    questions: [
      groupQuestion(STANDARD_GROUPS.map((g) => g.groupId)),
      dimensionsQuestion(),
      {
        type: 'longText',
        id: 'suggestion',
        about: 'respondent',
        text: text('对机关作风建设的意见和建议（选填）', 'Suggestions on how government units work (optional)'),
        required: false,
        maxLength: 500,
      },
    ],
  };
}

/** The service windows' form: one window per response, fixed by the QR code posted at the window (一次一评). */
export function demoWindowContent(): FormContent {
  return {
    title: text('政务服务“一次一评”', 'Rate this service window'),
    layout: 'oneUnit',
    unitIds: WINDOW_UNITS,
    defaultGroup: 'citizen',
    questions: [
      overallRatingQuestion(),
      {
        type: 'multipleChoice',
        id: 'problems',
        about: 'unit',
        text: text('主要问题是什么？', 'What went wrong?'),
        required: true,
        showIf: { questionId: 'overall', anyOf: ['dissatisfied', 'veryDissatisfied'] },
        options: [
          { id: 'waiting', label: text('等候时间长', 'Long wait') },
          { id: 'attitude', label: text('态度不好', 'Unfriendly staff') },
          { id: 'unclear', label: text('告知不清楚，来回跑', 'Unclear requirements, several trips') },
          { id: 'other', label: text('其他', 'Something else') },
        ],
      },
      {
        type: 'longText',
        id: 'comment',
        about: 'unit',
        text: text('意见或建议（选填）', 'Comment or suggestion (optional)'),
        required: false,
        maxLength: 500,
      },
    ],
  };
}

/** The two demo forms: the annual all-units appraisal and the service windows' form. */
export function demoForms(period: Period): { formId: string; content: FormContent }[] {
  const year = shanghaiYear(new Date(period.opensAt));
  return [
    { formId: `${period.periodId}-appraisal`, content: demoAnnualContent(year) },
    { formId: `${period.periodId}-windows`, content: demoWindowContent() },
  ];
}

/** Deterministic pseudo-random numbers in [0, 1) from a string seed (mulberry32 over a string hash). */
function random(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends string>(weights: Readonly<Record<T, number>>, r: number): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let left = r * total;
  for (const [key, weight] of entries) {
    left -= weight;
    if (left < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

/** Level weights for a unit of the given quality: between a poorly and a well rated unit. */
function levelWeights(quality: number): Record<(typeof RATING_LEVELS)[number], number> {
  const good = [0.5, 0.3, 0.13, 0.05, 0.02];
  const poor = [0.1, 0.2, 0.25, 0.25, 0.2];
  return Object.fromEntries(RATING_LEVELS.map((level, i) => [level, quality * good[i]! + (1 - quality) * poor[i]!])) as Record<
    (typeof RATING_LEVELS)[number],
    number
  >;
}

/** One demo response with the instant it is submitted at. */
export interface DemoResponse {
  input: SubmissionInput & { submissionId: string };
  submittedAt: Date;
}

/** A demo rating of one unit on a scored question: a level per dimension (or 不了解 for the whole unit). */
function rateUnit(content: FormContent, unitId: string, next: () => number): Answers {
  const question = scoredQuestion(content)!;
  const plan = DEMO_QUALITY[unitId] ?? { quality: 0.5, known: 0.5 };
  const known = question.allowDontKnow ? next() < plan.known : true;
  const levels = levelWeights(plan.quality);
  const rating = (): Rating => (known ? pick(levels, next()) : DONT_KNOW);
  if (question.type === 'rating') return { [question.id]: rating() };
  return { [question.id]: Object.fromEntries(dimensionsOf(question).map((d) => [d.id, rating()])) };
}

/**
 * The demo responses of both forms, drawn from a PRNG seeded by form and number, submitted at instants
 * spread between the period's opening and `now`. Submission ids are name-based UUIDs, fixed for ever.
 */
export function demoResponses(forms: FormVersion[], period: Period, now: Date): DemoResponse[] {
  const opensAt = Date.parse(period.opensAt);
  const span = Math.max(0, Math.min(now.getTime(), Date.parse(period.closesAt) - 1) - opensAt);
  const out: DemoResponse[] = [];
  for (const version of forms) {
    const { content, formId } = version;
    const count = content.layout === 'allUnits' ? DEMO_ANNUAL_RESPONSES : DEMO_WINDOW_RESPONSES * content.unitIds.length;
    for (let i = 0; i < count; i++) {
      const next = random(`pingyi-demo:${formId}:${i}`);
      let units: UnitAnswers;
      let answers: Answers = {};
      if (content.layout === 'allUnits') {
        units = Object.fromEntries(content.unitIds.map((u) => [u, rateUnit(content, u, next)]));
        answers = { group: pick(GROUP_SHARE, next()) };
        if (next() < 0.15) answers.suggestion = DEMO_COMMENTS[Math.floor(next() * DEMO_COMMENTS.length)]!;
      } else {
        const unitId = content.unitIds[i % content.unitIds.length]!;
        const unit = rateUnit(content, unitId, next);
        const level = unit.overall as string;
        if (level === 'dissatisfied' || level === 'veryDissatisfied') unit.problems = [next() < 0.5 ? 'waiting' : 'unclear'];
        if (next() < 0.2) unit.comment = DEMO_COMMENTS[Math.floor(next() * DEMO_COMMENTS.length)]!;
        units = { [unitId]: unit };
      }
      out.push({
        input: { formId, version: version.version, answers, units, submissionId: uuidV5(`pingyi-demo-response:${formId}:${i}`) },
        submittedAt: new Date(opensAt + Math.floor(next() * span)),
      });
    }
  }
  return out;
}

/**
 * The demo batch of invitations: twenty links for deputies and committee members (人大代表、政协委员) on the
 * annual form. The demo's deputies rate through the first of them; the rest are left for trying out.
 */
export const DEMO_INVITATION_BATCH = {
  batchId: 'demo-deputies',
  groupId: 'deputy',
  count: 20,
  label: '示范：区人大代表、政协委员',
} as const;

/** What seedDemo wrote. */
export interface DemoSeed {
  periodId: string;
  /** The annual all-units form and the service windows' form. */
  forms: { annual: string; windows: string };
  units: number;
  /** Demo responses submitted (a re-seed submits the same ones and stores none of them again). */
  responses: number;
  /** The demo invitation batch, when the period still took one at the first seed. */
  invitationBatch: { periodId: string; batchId: string } | undefined;
}

export interface SeedOptions {
  /** The instant the seed runs at (the demo period is its year). @default now */
  now?: Date;
  /**
   * The ring the deputies' invitations are signed with, as the stack's functions read it. @default a ring
   * made for this seed only — a token is checked by the same seed that signs it, and its ballot is keyed by
   * its serial, whatever key signed it.
   */
  ballotKeys?: () => Promise<KeyRing>;
}

const SEED_CONCURRENCY = 16;

/** Creates an item unless it exists: seeding never overwrites what an admin changed. */
async function createIfMissing(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof ConflictError && error.reason === CONFLICT.alreadyExists)) throw error;
  }
}

/**
 * Submits a demo response unless the catalog now refuses it: an admin closed the demo form, moved the
 * period's window or changed who it admits since the first seed, and a re-seed must keep that edit, not
 * fail the start.
 */
async function submitIfTaken(deps: SubmitResponseDeps, input: SubmissionInput, client: SubmissionClient): Promise<void> {
  try {
    await submitResponse(deps, input, client);
  } catch (error) {
    const refused =
      error instanceof PeriodClosedError ||
      error instanceof AdmissionRefusedError ||
      (error instanceof ConflictError && error.reason === CONFLICT.formClosed);
    if (!refused) throw error;
  }
}

/**
 * The address a demo ballot came from: one of its own in 10.0.0.0/8 for each, so that the open-form limits
 * (per client per unit and day) flag none of the demo's ballots.
 */
const demoAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** A ring for one seed, when the stack's own is not given. */
const seedRing = (): (() => Promise<KeyRing>) => {
  const ring = keyRingOf({ current: 'k1', k1: randomBytes(32).toString('base64url') });
  return async () => ring;
};

/**
 * Issues the demo invitation batch unless it exists; undefined when the period no longer takes one (an
 * admin ended it before this seed).
 */
async function demoInvitationBatch(deps: InvitationDeps, periodId: string, formId: string): Promise<InvitationBatch | undefined> {
  const existing = await deps.getInvitationBatch(periodId, DEMO_INVITATION_BATCH.batchId);
  if (existing) return existing;
  const { batchId, ...input } = DEMO_INVITATION_BATCH;
  try {
    return await issueInvitations({ ...deps, newBatchId: () => batchId }, 'demo-seed', periodId, { formId, ...input });
  } catch (error) {
    if (error instanceof ConflictError && error.reason === CONFLICT.alreadyExists) return deps.getInvitationBatch(periodId, batchId);
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * Writes whatever of the demo district is missing — units, groups and period as stored items, the forms
 * and the invitation batch through the admin use cases (so the demo obeys every rule) — then submits the
 * demo responses through submitResponse, wired to the real stores as on AWS (see functions/store/deps.ts),
 * each stamped with its demo instant and coming from an address of its own. Idempotent: run it on every start.
 */
/** The demo's notification directory: the supervising office's duty address and one per unit (RFC 2606 example domains). */
export const DEMO_DIRECTORY: readonly { entryId: string; addresses: string[] }[] = [
  { entryId: SUPERVISORS_ENTRY, addresses: ['duty@supervisors.example.org'] },
  ...DEMO_UNITS.map((u) => ({ entryId: u.unitId, addresses: [`${u.unitId}@handlers.example.org`] })),
];

export async function seedDemo(
  db: DynamoDBDocumentClient,
  tables: Pick<Record<TableKey, string>, 'catalog' | 'responses' | 'cases' | 'contacts'>,
  { now = new Date(), ballotKeys = seedRing() }: SeedOptions = {},
): Promise<DemoSeed> {
  const catalog = catalogStore(db, tables.catalog);
  const units = unitStore(db, tables.catalog);
  const responses = responseStore(db, tables.responses);
  const period = demoPeriod(now);

  await Promise.all([
    ...DEMO_UNITS.map((u) => createIfMissing(() => units.createUnit(u))),
    ...STANDARD_GROUPS.map((g) => createIfMissing(() => catalog.createGroup({ ...g, rev: 1 }))),
    createIfMissing(() => catalog.createPeriod(period)),
    // The escalation ladder's addresses (notification directory): never sent locally, read on /local/outbox.
    ...DEMO_DIRECTORY.map((entry) => createIfMissing(() => directoryStore(db, tables.catalog).createDirectoryEntry({ ...entry, rev: 1, updatedAt: period.opensAt }))),
  ]);
  const adminDeps: FormAdminDeps = { ...catalog, ...units, now: () => new Date(period.opensAt) };
  const forms = demoForms(period);
  for (const { formId, content } of forms) {
    const existing = await catalog.getForm(formId);
    // A demo form that an earlier start created but did not get to publish is published now.
    if (existing && existing.latestVersion > 0) continue;
    await createIfMissing(async () => {
      const form = existing ?? (await createForm(adminDeps, { formId, periodId: period.periodId, content })).form;
      await publishForm(adminDeps, formId, { rev: form.rev });
    });
  }

  const annualFormId = forms[0]!.formId;
  const batch = await demoInvitationBatch(
    {
      ...catalog,
      ...invitationStore(db, tables.catalog),
      ballotKeys,
      newBatchId: () => DEMO_INVITATION_BATCH.batchId,
      now: () => new Date(period.opensAt),
    },
    period.periodId,
    annualFormId,
  );

  const versions = (await Promise.all(forms.map(({ formId }) => catalog.getFormVersion(formId, 1)))).filter(
    (v): v is FormVersion => v !== undefined,
  );
  const demo = demoResponses(versions, period, now);
  // The demo's deputies rate through the batch's invitations, one each, in a fixed order: a re-seed signs
  // the same serials, whose ballots are stored already.
  if (batch) {
    const ring = await ballotKeys();
    let n = 0;
    for (const { input } of demo) {
      if (input.formId !== annualFormId || input.answers.group !== batch.groupId || n >= batch.count) continue;
      n += 1;
      input.token = signToken(ring, {
        kind: 'invitation',
        periodId: batch.periodId,
        ...(batch.groupId !== undefined ? { groupId: batch.groupId } : {}),
        expiresAt: new Date(batch.expiresAt),
        serial: invitationSerial(batch.batchId, n),
      });
    }
  }
  const contexts = new Map(
    await Promise.all(
      versions.map(async (v) => [v.formId, { form: await catalog.getForm(v.formId), version: v, period: await catalog.getPeriod(period.periodId) }] as const),
    ),
  );
  // The demo's clients are made up, and so are their salts: kept for this seed only, never stored, so the
  // day-salts job and the salts of real submissions are not touched.
  const salts = new Map<string, string>();
  const daySalt = async (day: string) => salts.get(day) ?? salts.set(day, newSalt()).get(day)!;
  const depsAt = (submittedAt: Date): SubmitResponseDeps => ({
    loadSubmissionContext: async (formId) => contexts.get(formId) ?? {},
    ballotKeys,
    daySalt,
    putResponseOnce: responses.putResponseOnce,
    findResponse: responses.findResponse,
    newId: () => {
      throw new Error('demo responses carry their own submission ids');
    },
    newReceiptCode,
    now: () => submittedAt,
  });
  for (let start = 0; start < demo.length; start += SEED_CONCURRENCY) {
    await Promise.all(
      demo
        .slice(start, start + SEED_CONCURRENCY)
        .map(({ input, submittedAt }, i) => submitIfTaken(depsAt(submittedAt), input, { address: demoAddress(start + i), userAgent: 'pingyi-seed' })),
    );
  }
  // Four cases in different states (infra/local/seed-cases.ts).
  await seedDemoCases(db, tables, now);
  // Six rectification ledger items, identified to published (infra/local/seed-ledger.ts).
  await seedDemoLedger(db, tables, now);
  return {
    periodId: period.periodId,
    forms: { annual: annualFormId, windows: forms[1]!.formId },
    units: DEMO_UNITS.length,
    responses: demo.length,
    invitationBatch: batch ? { periodId: batch.periodId, batchId: batch.batchId } : undefined,
  };
}
