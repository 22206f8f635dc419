import { caseKpis } from '../cases/workflow';
import type { UnitSnapshot } from '../evaluation/snapshot';
import type { FieldIssue } from '../errors';
import { fill, type Message } from '../messages';
import type { LocalizedText } from '../text';
import type { DisclosureContent, DisclosureItemInput, RedactedText } from './disclosure';
import { DISCLOSURE_MESSAGES as M } from './messages';
import type { DisclosureSources } from './ports';
import { redact } from './redaction';

/**
 * Drawing a disclosure's content from the data, as it stands when a supervisor proposes it: every free text
 * (what a citizen, a unit or a ledger keeper wrote) goes through redaction here, before anything is stored or
 * shown, so the disclosure never holds the unredacted text. Names of units and periods are the catalog's
 * official names, set by admins, and are published as they are.
 */

/** A free text, redacted. */
export function redacted(text: string): RedactedText {
  const { text: out, findings } = redact(text);
  return { text: out, findings: findings.map(({ kind, start, end }) => ({ kind, start, end })) };
}

/** Content that cannot be drawn: the field of the item input that is wrong, and why. */
export class ContentIssue extends Error {
  constructor(
    readonly field: string,
    readonly why: Message,
  ) {
    super(why.en);
  }
}

// Snapshots are read one Query per unit; this many at once.
const SNAPSHOT_READS_AT_ONCE = 25;

/** The content of one proposed item; throws ContentIssue when it names nothing that may be disclosed. */
export async function drawContent(deps: DisclosureSources, input: DisclosureItemInput): Promise<DisclosureContent> {
  switch (input.kind) {
    case 'scores':
      return scoresContent(deps, input.periodId);
    case 'kpis':
      if (input.from > input.to) throw new ContentIssue('from', M.badRange);
      return { kind: 'kpis', report: await caseKpis(deps, { from: input.from, to: input.to }) };
    case 'case':
      return caseContent(deps, input.caseId);
    case 'ledgerItem':
      return ledgerItemContent(deps, input.caseId);
  }
}

/**
 * A period's scores from its latest snapshot day: each unit's snapshot of that day exactly as the snapshot API
 * returns it, ranked first (standard competition rank, unranked after), with the units' names.
 */
async function scoresContent(deps: DisclosureSources, periodId: string): Promise<DisclosureContent> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new ContentIssue('periodId', fill(M.unknownPeriod, { id: periodId }));
  const last = (await deps.listSnapshotDays(periodId)).at(-1);
  if (!last) throw new ContentIssue('periodId', fill(M.noSnapshot, { id: periodId }));
  const units = await deps.listUnits();
  const snapshots: UnitSnapshot[] = [];
  for (let at = 0; at < units.length; at += SNAPSHOT_READS_AT_ONCE) {
    const found = await Promise.all(units.slice(at, at + SNAPSHOT_READS_AT_ONCE).map((u) => deps.lastUnitSnapshot(periodId, u.unitId)));
    snapshots.push(...found.filter((s): s is UnitSnapshot => s !== undefined && s.day === last.day));
  }
  snapshots.sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) || a.unitId.localeCompare(b.unitId));
  const names = new Map(units.map((u) => [u.unitId, u.name] as const));
  const unitNames: Record<string, LocalizedText> = {};
  for (const s of snapshots) unitNames[s.unitId] = names.get(s.unitId) ?? { 'zh-CN': s.unitId, en: s.unitId };
  return { kind: 'scores', periodId, periodName: period.name, day: last.day, computedAt: last.computedAt, units: snapshots, unitNames };
}

async function unitRef(deps: DisclosureSources, unitId: string | null): Promise<{ unitId: string; name: LocalizedText } | null> {
  if (unitId === null) return null;
  const unit = await deps.getUnit(unitId);
  return { unitId, name: unit?.name ?? { 'zh-CN': unitId, en: unitId } };
}

/** A closed complaint or bad-review case, with its description and reply redacted. */
async function caseContent(deps: DisclosureSources, caseId: string): Promise<DisclosureContent> {
  const c = await deps.getCase(caseId);
  if (!c) throw new ContentIssue('caseId', (await deps.getLedgerItem(caseId)) ? M.ledgerItemIsNotACase : fill(M.unknownCase, { id: caseId }));
  if (c.state !== 'CLOSED') throw new ContentIssue('caseId', fill(M.caseNotClosed, { state: c.state }));
  if (!c.reply) throw new ContentIssue('caseId', M.caseWithoutReply);
  return {
    kind: 'case',
    caseId,
    source: c.source,
    caseKind: c.kind,
    unit: await unitRef(deps, c.unitId),
    state: c.state,
    receivedAt: c.receivedAt,
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    ...(c.closedOnTime !== undefined ? { closedOnTime: c.closedOnTime } : {}),
    ...(c.callback ? { satisfied: c.callback.satisfied } : {}),
    description: redacted(c.description),
    reply: redacted(c.reply.text),
  };
}

/**
 * A rectification ledger item marked for publication (its `disclose` flag, set by a supervisor on the ledger:
 * the ledger decides what may go public, the disclosure what of it and when): its problem, measures and progress
 * updates, redacted. The owner and responsible leader are people's names and are never drawn.
 */
async function ledgerItemContent(deps: DisclosureSources, caseId: string): Promise<DisclosureContent> {
  const item = await deps.getLedgerItem(caseId);
  if (!item) throw new ContentIssue('caseId', (await deps.getCase(caseId)) ? M.notALedgerItem : fill(M.unknownCase, { id: caseId }));
  if (!item.disclose) throw new ContentIssue('caseId', M.ledgerItemNotDisclosed);
  const [unit, categories] = await Promise.all([unitRef(deps, item.unitId), deps.ledgerCategories()]);
  const category = categories.find((c) => c.id === item.category);
  return {
    kind: 'ledgerItem',
    caseId,
    source: item.source,
    level: item.level,
    category: { id: item.category, name: category?.name ?? { 'zh-CN': item.category, en: item.category } },
    unit: unit!,
    state: item.state,
    ...(item.dueDate ? { dueDate: item.dueDate } : {}),
    problem: redacted(item.problem),
    ...(item.measures ? { measures: redacted(item.measures) } : {}),
    progress: item.progress.map((p) => ({ at: p.at, note: redacted(p.text) })),
    ...(item.closedAt ? { closedAt: item.closedAt } : {}),
    ...(item.closedOnTime !== undefined ? { closedOnTime: item.closedOnTime } : {}),
  };
}

/** The item-input issues of a proposal as field issues (`items.<i>.<field>`). */
export const contentIssue = (index: number, issue: ContentIssue): FieldIssue => ({ path: `items.${index}.${issue.field}`, message: issue.why });
