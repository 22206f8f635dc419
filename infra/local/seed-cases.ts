import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseActionInput, CaseIntake } from '../../functions/domain/cases/case';
import { citizenCallback, fileCase } from '../../functions/domain/cases/intake';
import type { CaseDeps } from '../../functions/domain/cases/ports';
import { actOnCase, type StaffActor } from '../../functions/domain/cases/workflow';
import { caseStore } from '../../functions/store/cases/case-store';
import { loadWorkingCalendar } from '../../functions/store/calendar/calendar-store';
import { loadDeadlineDays } from '../../functions/store/cases/settings-store';
import type { TableKey } from '../../functions/store/tables';
import { unitStore } from '../../functions/store/units/unit-store';
import { uuidV5 } from './ids';

/**
 * The demo cases of `npm start`: four cases in different states (received, in progress, replied and waiting
 * for the callback, closed), filed and moved on through the case use cases themselves, with fixed ids and
 * access codes so a re-seed finds them and a visitor can follow one with its tracking number and code.
 */

const SUPERVISOR: StaffActor = { kind: 'staff', sub: 'demo-supervisor', supervisor: true, unitIds: [] };
const handlerOf = (unitId: string): StaffActor => ({ kind: 'staff', sub: `demo-handler-${unitId}`, supervisor: false, unitIds: [unitId] });

interface DemoCase {
  /** The case's name, from which its id, tracking number and access code are made. */
  name: string;
  /** How long before the seed it was filed. */
  hoursAgo: number;
  intake: CaseIntake;
  /** What happened to it since, in order: staff actions, and the citizen's callback. */
  steps: ({ as: StaffActor; action: CaseActionInput } | { callback: boolean })[];
}

const DEMO_CASES: readonly DemoCase[] = [
  {
    name: 'received',
    hoursAgo: 2,
    intake: { kind: 'consultation', unitId: null, description: '新生儿落户需要准备哪些材料？在哪里办理？' },
    steps: [],
  },
  {
    name: 'in-progress',
    hoursAgo: 72,
    intake: { kind: 'complaint', unitId: 'tax-bureau', description: '办税大厅周六只开一个窗口，排队两个小时。', contact: { phone: '13800000000' }, callbackConsent: true },
    steps: [
      { as: SUPERVISOR, action: { action: 'assign', unitId: 'tax-bureau' } },
      { as: handlerOf('tax-bureau'), action: { action: 'accept' } },
    ],
  },
  {
    name: 'replied',
    hoursAgo: 120,
    intake: { kind: 'request', unitId: 'service-centre', description: '建议政务服务中心增设母婴室。', contact: { name: '张女士', email: 'demo@citizens.example.org' }, callbackConsent: true },
    steps: [
      { as: SUPERVISOR, action: { action: 'assign', unitId: 'service-centre' } },
      { as: handlerOf('service-centre'), action: { action: 'accept' } },
      { as: handlerOf('service-centre'), action: { action: 'reply', text: '已在一楼东侧增设母婴室，下周一启用。感谢您的建议。' } },
    ],
  },
  {
    name: 'closed',
    hoursAgo: 240,
    intake: { kind: 'complaint', unitId: 'market-supervision', description: '网购食品标签无中文，商家拒绝退货。', contact: { phone: '13900000000' }, callbackConsent: true },
    steps: [
      { as: SUPERVISOR, action: { action: 'assign', unitId: 'market-supervision' } },
      { as: handlerOf('market-supervision'), action: { action: 'accept' } },
      { as: handlerOf('market-supervision'), action: { action: 'reply', text: '经核查，商家已为您办理退货退款，并被责令整改。' } },
      { callback: true },
    ],
  },
];

/** The demo codes of a case (tracking suffix, access code, salt, by length): fixed, in the alphabet of intake.ts. */
const demoCode = (index: number, length: number) => `DEMQCAS${'ABCD'[index]}ABCDEFGHJKMNPQRS`.slice(0, length);

/** Files the demo cases that are not there yet, as of `now`; answers each one's tracking number and access code. */
export async function seedDemoCases(
  db: DynamoDBDocumentClient,
  tables: Pick<Record<TableKey, string>, 'catalog' | 'cases' | 'contacts'>,
  now: Date,
): Promise<{ name: string; trackingNumber: string; accessCode: string }[]> {
  const store = caseStore(db, tables.cases, tables.contacts);
  const base = { ...store, getUnit: unitStore(db, tables.catalog).getUnit, workingCalendar: () => loadWorkingCalendar(db, tables.catalog) };
  const seeded = [];
  for (const [index, demo] of DEMO_CASES.entries()) {
    const caseId = uuidV5(`demo-case-${demo.name}`);
    const existing = await store.getCase(caseId);
    if (existing) {
      seeded.push({ name: demo.name, trackingNumber: existing.trackingNumber, accessCode: demoCode(index, 10) });
      continue;
    }
    // Each step an hour after the one before, from the filing on.
    let at = now.getTime() - demo.hoursAgo * 3_600_000;
    const deps: CaseDeps = { ...base, now: () => new Date(at) };
    const receipt = await fileCase(
      { ...deps, deadlineDays: () => loadDeadlineDays(db, tables.catalog), newId: () => caseId, newCode: (length) => demoCode(index, length) },
      demo.intake,
    );
    for (const step of demo.steps) {
      at += 3_600_000;
      if ('callback' in step) await citizenCallback(deps, { trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode, satisfied: step.callback });
      else await actOnCase(deps, step.as, caseId, step.action);
    }
    seeded.push({ name: demo.name, trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode });
  }
  return seeded;
}
