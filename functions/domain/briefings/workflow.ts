import { monthsBetween } from '../cases/workflow';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { fill } from '../messages';
import type { UnitSnapshot } from '../evaluation/snapshot';
import { cstDate } from '../working-days';
import {
  BRIEFING_KINDS,
  EMPTY_NARRATIVE,
  endedWindows,
  windowOf,
  windowOfId,
  type Briefing,
  type BriefingKind,
  type BriefingNarrativeInput,
  type BriefingSummary,
  type BriefingWindow,
  type DraftBriefingInput,
  type PublishBriefingInput,
} from './briefing';
import { briefingFigures } from './figures';
import { BRIEFING_MESSAGES as M } from './messages';
import type { BriefingDeps, BriefingStorePort } from './ports';

/**
 * The briefing use cases: drafting (by the scheduled job for the week and month just ended, or on demand by
 * a supervisor for any window begun), the supervisor's narrative, publication with the next number, and
 * reading. One briefing per window: drafting a window that has a draft refreshes that draft's figures (its
 * narrative kept); the job leaves alone a draft whose figures were taken after its window ended, so running
 * it twice changes nothing. A published briefing never changes (409 alreadyPublished).
 */

/** The earliest day a briefing may be drafted for: nothing of Pingyi's is older. */
export const EARLIEST_DAY = '2000-01-01';

/** How many snapshot Queries the drafting runs at once. */
const SNAPSHOT_READS_AT_ONCE = 16;

/** `work` over `items`, at most `limit` at a time, results in order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += limit) results.push(...(await Promise.all(items.slice(start, start + limit).map(work))));
  return results;
}

/**
 * The figures of a window as of `asOf`: the periods open during it with every unit's snapshots, the cases
 * received from 1 January of the year before the window's end (for the KPIs of the year and the cases
 * closed in the window; a case older than that closed now is not counted), the open cases past their
 * deadline, and the ledger.
 */
async function figuresOf(deps: BriefingDeps, window: BriefingWindow, asOf: Date) {
  const [settings, units, allPeriods, cases, openPastDue, ledger] = await Promise.all([
    deps.briefingSettings(),
    deps.listUnits(),
    deps.listPeriods(),
    deps.listCasesOfMonths(monthsBetween(`${Number(window.to.slice(0, 4)) - 1}-01-01`, window.to)),
    deps.listOpenCases(asOf.toISOString()),
    deps.listLedgerFacts(),
  ]);
  const open = allPeriods.filter((p) => Date.parse(p.opensAt) < Date.parse(window.endsAt) && Date.parse(p.closesAt) > Date.parse(window.startsAt));
  const periods = await Promise.all(
    open.map(async (p) => ({
      periodId: p.periodId,
      name: p.name,
      snapshots: (await inBatches(units, SNAPSHOT_READS_AT_ONCE, (u) => deps.listUnitSnapshots(p.periodId, u.unitId))).flat() as UnitSnapshot[],
    })),
  );
  return { settings, figures: briefingFigures({ window, asOf, thresholds: settings.thresholds, units, periods, cases, openPastDue, ledger }) };
}

/** The data-as-of time of a window drafted at `now`: its end, or now while it runs. */
const asOfFor = (window: BriefingWindow, now: Date) => new Date(Math.min(now.getTime(), Date.parse(window.endsAt)));

/** A briefing that exists; NotFoundError otherwise (also for an id that names no window). */
async function existing(deps: Pick<BriefingDeps, 'getBriefing'>, briefingId: string): Promise<Briefing> {
  const b = windowOfId(briefingId) ? await deps.getBriefing(briefingId) : undefined;
  if (!b) throw new NotFoundError('briefing', briefingId);
  return b;
}

const refusePublished = (b: Briefing) => {
  if (b.state === 'published') throw new ConflictError('alreadyPublished', { number: b.number ?? 0 });
};

/** Drafts `window` (or refreshes its draft's figures, keeping the narrative). */
async function draftWindow(deps: BriefingDeps, window: BriefingWindow): Promise<{ briefing: Briefing; created: boolean }> {
  const now = deps.now();
  const before = await deps.getBriefing(window.briefingId);
  if (before) refusePublished(before);
  const { settings, figures } = await figuresOf(deps, window, asOfFor(window, now));
  const at = now.toISOString();
  if (before) {
    const briefing: Briefing = { ...before, figures, office: settings.office, rev: before.rev + 1, updatedAt: at };
    await deps.saveDraft(briefing, before.rev);
    return { briefing, created: false };
  }
  const briefing: Briefing = {
    briefingId: window.briefingId,
    kind: window.kind,
    from: window.from,
    to: window.to,
    state: 'draft',
    office: settings.office,
    figures,
    narrative: EMPTY_NARRATIVE,
    rev: 1,
    draftedAt: at,
    updatedAt: at,
  };
  await deps.createDraft(briefing);
  return { briefing, created: true };
}

/**
 * "Draft now": a supervisor drafts the week or month holding `day` (default today, CST) — a window not yet
 * over is drafted with the figures so far, and the job refreshes it once the window has ended. A window
 * that has not begun is refused (400); a published one is 409 alreadyPublished.
 */
export async function draftBriefing(deps: BriefingDeps, input: DraftBriefingInput): Promise<{ briefing: Briefing; created: boolean }> {
  const now = deps.now();
  if (input.day !== undefined && input.day < EARLIEST_DAY) throw new ValidationError([{ path: 'day', message: fill(M.tooEarly, { min: EARLIEST_DAY }) }]);
  const window = windowOf(input.kind, input.day ?? cstDate(now));
  if (Date.parse(window.startsAt) > now.getTime()) throw new ValidationError([{ path: 'day', message: M.futureWindow }]);
  return draftWindow(deps, window);
}

/** What the scheduled job did with each window that had just ended. */
export interface DraftRun {
  briefingId: string;
  outcome: 'drafted' | 'refreshed' | 'unchanged' | 'published';
}

/**
 * The scheduled job: drafts last week's briefing and last month's report, each once. A window whose draft
 * was taken before the window ended (a supervisor's "draft now") has its figures refreshed; a draft taken
 * after, or a published issue, is left as it is. Two runs at once: the second draft of a window fails its
 * conditional write and the first stands.
 */
export async function draftDueBriefings(deps: BriefingDeps): Promise<DraftRun[]> {
  const runs: DraftRun[] = [];
  for (const window of endedWindows(deps.now())) {
    const before = await deps.getBriefing(window.briefingId);
    if (before?.state === 'published') runs.push({ briefingId: window.briefingId, outcome: 'published' });
    else if (before && Date.parse(before.figures.asOf) >= Date.parse(window.endsAt)) runs.push({ briefingId: window.briefingId, outcome: 'unchanged' });
    else {
      try {
        const { created } = await draftWindow(deps, window);
        runs.push({ briefingId: window.briefingId, outcome: created ? 'drafted' : 'refreshed' });
      } catch (error) {
        // Another run drafted it in between: its draft stands.
        if (!(error instanceof ConflictError)) throw error;
        runs.push({ briefingId: window.briefingId, outcome: 'unchanged' });
      }
    }
  }
  return runs;
}

/** A supervisor's narrative sections of a draft, at the revision read (409 staleRevision otherwise; 409 alreadyPublished once published). */
export async function saveBriefingNarrative(deps: BriefingStorePort & Pick<BriefingDeps, 'now'>, briefingId: string, input: BriefingNarrativeInput): Promise<Briefing> {
  const b = await existing(deps, briefingId);
  refusePublished(b);
  if (b.rev !== input.rev) throw new ConflictError('staleRevision', { rev: b.rev });
  const { rev: _rev, ...narrative } = input;
  const next: Briefing = { ...b, narrative, rev: b.rev + 1, updatedAt: deps.now().toISOString() };
  await deps.saveDraft(next, b.rev);
  return next;
}

/** Publishes a draft at the revision read, with the next number of its kind (第N期); a published one is 409 alreadyPublished. */
export async function publishBriefing(deps: BriefingStorePort & Pick<BriefingDeps, 'now'>, briefingId: string, input: PublishBriefingInput, publishedBy: string): Promise<Briefing> {
  const b = await existing(deps, briefingId);
  refusePublished(b);
  if (b.rev !== input.rev) throw new ConflictError('staleRevision', { rev: b.rev });
  const at = deps.now().toISOString();
  const next: Briefing = { ...b, state: 'published', rev: b.rev + 1, updatedAt: at, publishedAt: at, publishedBy };
  try {
    return { ...next, number: await deps.publish(next, b.rev) };
  } catch (error) {
    // Published by someone else in between: say so rather than "stale".
    const now = error instanceof ConflictError ? await deps.getBriefing(briefingId) : undefined;
    if (now) refusePublished(now);
    throw error;
  }
}

/** A briefing. */
export const getBriefing = (deps: Pick<BriefingDeps, 'getBriefing'>, briefingId: string): Promise<Briefing> => existing(deps, briefingId);

/** Every briefing, newest window first (weekly before monthly on the same first day), without figures. */
export async function listBriefings(deps: Pick<BriefingDeps, 'listBriefings'>): Promise<BriefingSummary[]> {
  const all = (await Promise.all(BRIEFING_KINDS.map((k: BriefingKind) => deps.listBriefings(k)))).flat();
  return all
    .sort((a, b) => b.from.localeCompare(a.from) || BRIEFING_KINDS.indexOf(a.kind) - BRIEFING_KINDS.indexOf(b.kind))
    .map((b) => ({
      briefingId: b.briefingId,
      kind: b.kind,
      from: b.from,
      to: b.to,
      state: b.state,
      ...(b.number !== undefined ? { number: b.number } : {}),
      rev: b.rev,
      asOf: b.figures.asOf,
      updatedAt: b.updatedAt,
      ...(b.publishedAt ? { publishedAt: b.publishedAt } : {}),
    }));
}
