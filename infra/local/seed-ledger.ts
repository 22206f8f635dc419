import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerActionInput, LedgerItemInput } from '../../functions/domain/ledger/ledger';
import type { LedgerStaff } from '../../functions/domain/ledger/lifecycle';
import type { LedgerDeps } from '../../functions/domain/ledger/ports';
import { actOnLedgerItem, createLedgerItem } from '../../functions/domain/ledger/workflow';
import { caseStore } from '../../functions/store/cases/case-store';
import { loadWorkingCalendar } from '../../functions/store/calendar/calendar-store';
import { ledgerCategoryStore, ledgerStore } from '../../functions/store/ledger/ledger-store';
import type { TableKey } from '../../functions/store/tables';
import { unitStore } from '../../functions/store/units/unit-store';
import { uuidV5 } from './ids';

/**
 * The demo rectification ledger of `npm start`: six items at the three levels, in the campaign's six
 * aspects (the default categories), from just identified to published, entered and moved on through the
 * ledger's use cases themselves, with fixed ids so a re-seed finds them.
 */

const SUPERVISOR: LedgerStaff = { kind: 'staff', sub: 'demo-supervisor', supervisor: true, unitIds: [] };
const handlerOf = (unitId: string): LedgerStaff => ({ kind: 'staff', sub: `demo-handler-${unitId}`, supervisor: false, unitIds: [unitId] });

interface DemoItem {
  name: string;
  /** How many days before the seed it was entered. */
  daysAgo: number;
  input: LedgerItemInput;
  steps: { as: LedgerStaff; action: LedgerActionInput }[];
}

const ledgered = (owner: string, responsibleLeader: string, measures: string, workingDays: number) => ({ owner, responsibleLeader, measures, deadline: { workingDays } });

const DEMO_ITEMS: readonly DemoItem[] = [
  {
    name: 'leadership-study',
    daysAgo: 40,
    input: {
      source: 'selfInspection',
      level: 'leadershipTeam',
      category: 'political-study',
      problem: '班子集体学习重形式、轻研讨，学用结合不够紧密。',
      unitId: 'service-centre',
      ...ledgered('区政务服务中心办公室', '中心主任', '建立“学习+研讨+调研”制度，每月一次专题研讨并形成问题清单。', 20),
    },
    steps: [
      { as: handlerOf('service-centre'), action: { action: 'start' } },
      { as: handlerOf('service-centre'), action: { action: 'progress', text: '已制定专题研讨制度，完成两次研讨。' } },
      { as: handlerOf('service-centre'), action: { action: 'submitEvidence', note: '研讨制度及两次研讨记录。', evidenceKeys: [] } },
      { as: SUPERVISOR, action: { action: 'accept' } },
      { as: SUPERVISOR, action: { action: 'close', note: '整改到位，予以销号。' } },
      { as: SUPERVISOR, action: { action: 'markDisclosure', disclose: true } },
      { as: SUPERVISOR, action: { action: 'publish' } },
    ],
  },
  {
    name: 'member-meetings',
    daysAgo: 30,
    input: {
      source: 'selfInspection',
      level: 'teamMember',
      category: 'formalism',
      problem: '分管领域会议多、文件多，基层反映迎检负担重。',
      unitId: 'tax-bureau',
      ...ledgered('办公室主任', '副局长', '精简会议文件，合并同类检查，每季度通报会议文件数量。', 15),
    },
    steps: [
      { as: handlerOf('tax-bureau'), action: { action: 'start' } },
      { as: handlerOf('tax-bureau'), action: { action: 'submitEvidence', note: '会议文件精简方案。', evidenceKeys: [] } },
      { as: SUPERVISOR, action: { action: 'accept' } },
      { as: SUPERVISOR, action: { action: 'close' } },
    ],
  },
  {
    name: 'window-one-notice',
    daysAgo: 20,
    input: {
      source: 'supervisionFinding',
      level: 'unit',
      category: 'serving-people',
      problem: '办税窗口“一次性告知”落实不到位，群众多次跑腿。',
      unitId: 'tax-bureau',
      ...ledgered('纳税服务科科长', '副局长', '修订一次性告知清单，开展窗口人员培训，推行首问负责。', 10),
    },
    steps: [
      { as: handlerOf('tax-bureau'), action: { action: 'start' } },
      { as: handlerOf('tax-bureau'), action: { action: 'submitEvidence', note: '告知清单初稿。', evidenceKeys: [] } },
      { as: SUPERVISOR, action: { action: 'sendBack', reason: '清单未覆盖全部事项，请补充后再报。' } },
    ],
  },
  {
    name: 'cadre-duty',
    daysAgo: 12,
    input: {
      source: 'selfInspection',
      level: 'cadre',
      category: 'duty',
      problem: '个别干部遇到跨部门事项推诿，群众诉求办理拖延。',
      unitId: 'service-centre',
      ...ledgered('综合科科长', '中心副主任', '建立跨部门事项首办责任制和督办台账。', 15),
    },
    steps: [{ as: handlerOf('service-centre'), action: { action: 'start' } }],
  },
  {
    name: 'unit-discipline',
    daysAgo: 5,
    input: {
      source: 'supervisionFinding',
      level: 'unit',
      category: 'discipline',
      problem: '工作日午间窗口无人值守现象时有发生。',
      unitId: 'service-centre',
      ...ledgered('窗口管理科科长', '中心副主任', '推行午间轮岗值守，每日巡查并通报。', 10),
    },
    steps: [],
  },
  {
    name: 'integrity-identified',
    daysAgo: 1,
    input: { source: 'selfInspection', level: 'unit', category: 'integrity', problem: '公务接待登记不完整。', unitId: 'tax-bureau' },
    steps: [],
  },
];

/** Enters the demo ledger items that are not there yet, as of `now`; answers their ids. */
export async function seedDemoLedger(db: DynamoDBDocumentClient, tables: Pick<Record<TableKey, string>, 'catalog' | 'cases'>, now: Date): Promise<string[]> {
  const store = ledgerStore(db, tables.cases);
  const units = unitStore(db, tables.catalog);
  // Read once: every step of the seed counts on the same calendar.
  const calendar = loadWorkingCalendar(db, tables.catalog);
  const base = {
    ...store,
    ...ledgerCategoryStore(db, tables.catalog),
    getUnit: units.getUnit,
    listUnits: units.listUnits,
    getCase: caseStore(db, tables.cases).getCase,
    workingCalendar: () => calendar,
  };
  const ids: string[] = [];
  for (const demo of DEMO_ITEMS) {
    const caseId = uuidV5(`demo-ledger-${demo.name}`);
    ids.push(caseId);
    if (await store.getLedgerItem(caseId)) continue;
    // Each step a day after the one before, from the entry on.
    let at = now.getTime() - demo.daysAgo * 86_400_000;
    const deps: LedgerDeps = { ...base, newId: () => caseId, now: () => new Date(at) };
    await createLedgerItem(deps, SUPERVISOR, demo.input);
    for (const step of demo.steps) {
      at += 86_400_000;
      await actOnLedgerItem(deps, step.as, caseId, step.action);
    }
  }
  return ids;
}
