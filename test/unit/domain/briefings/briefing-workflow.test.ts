import { describe, expect, it } from 'vitest';
import { DEFAULT_BRIEFING_SETTINGS, type Briefing } from '../../../../functions/domain/briefings/briefing';
import type { BriefingDeps } from '../../../../functions/domain/briefings/ports';
import { draftBriefing, listBriefings, publishBriefing, saveBriefingNarrative } from '../../../../functions/domain/briefings/workflow';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { GOLDEN_CASES, GOLDEN_SNAPSHOTS, GOLDEN_UNITS, JOB_RUN_AT, aGoldenBriefing } from '../../../fixtures/briefings';
import { aPeriod } from '../../../fixtures/catalog';

/** The briefing use cases over plain values: briefings kept in a map, the sources as fixed lists. */
function depsAt(now: Date, stored: Briefing[] = []): BriefingDeps & { saved: Map<string, Briefing> } {
  const saved = new Map(stored.map((b) => [b.briefingId, b]));
  return {
    saved,
    getBriefing: async (id) => saved.get(id),
    listBriefings: async (kind) => [...saved.values()].filter((b) => b.kind === kind).sort((a, b) => a.from.localeCompare(b.from)),
    createDraft: async (b) => {
      if (saved.has(b.briefingId)) throw new ConflictError('alreadyExists', { id: b.briefingId });
      saved.set(b.briefingId, b);
    },
    saveDraft: async (b, rev) => {
      if (saved.get(b.briefingId)?.rev !== rev || saved.get(b.briefingId)?.state !== 'draft') throw new ConflictError('staleRevision', { rev });
      saved.set(b.briefingId, b);
    },
    publish: async (b) => {
      const number = [...saved.values()].filter((x) => x.kind === b.kind && x.number !== undefined).length + 1;
      saved.set(b.briefingId, { ...b, number });
      return number;
    },
    briefingSettings: async () => DEFAULT_BRIEFING_SETTINGS,
    listUnits: async () => GOLDEN_UNITS,
    listPeriods: async () => [aPeriod()],
    listUnitSnapshots: async (periodId, unitId) => GOLDEN_SNAPSHOTS.filter((s) => s.periodId === periodId && s.unitId === unitId),
    listCasesOfMonths: async () => GOLDEN_CASES,
    listOpenCases: async () => [],
    listLedgerFacts: async () => [],
    now: () => now,
  };
}

describe('draftBriefing', () => {
  it('drafts the week so far, unnumbered, with the figures as of now', async () => {
    // prepare: Wednesday 25 November 2026, 12:00 CST
    const deps = depsAt(new Date('2026-11-25T04:00:00Z'));

    // act
    const { briefing, created } = await draftBriefing(deps, { kind: 'weekly' });

    // assert
    expect(created).toBe(true);
    expect(briefing).toMatchObject({ briefingId: 'weekly-2026-11-23', state: 'draft', rev: 1, office: DEFAULT_BRIEFING_SETTINGS.office });
    expect(briefing.number).toBeUndefined();
    expect(briefing.figures.asOf).toBe('2026-11-25T04:00:00.000Z');
  });

  it('refuses a window that has not begun, and a day before 2000, naming the day', async () => {
    // prepare
    const deps = depsAt(JOB_RUN_AT);

    // act
    const [future, ancient] = await Promise.allSettled([draftBriefing(deps, { kind: 'monthly', day: '2026-12-01' }), draftBriefing(deps, { kind: 'weekly', day: '0000-08-31' })]);

    // assert
    for (const refused of [future, ancient]) {
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect(((refused as PromiseRejectedResult).reason as ValidationError).fields.map((f) => f.path)).toEqual(['day']);
    }
    expect(deps.saved.size).toBe(0);
  });
});

describe('saveBriefingNarrative and publishBriefing', () => {
  const draft = () => aGoldenBriefing({ state: 'draft', number: undefined, publishedAt: undefined, publishedBy: undefined, rev: 2 });

  it('keeps the narrative at the revision read, and refuses an older one', async () => {
    // prepare
    const deps = depsAt(JOB_RUN_AT, [draft()]);
    const narrative = { typicalExperience: '经验', problemsFound: '问题', nextSteps: '下一步' };

    // act
    const saved = await saveBriefingNarrative(deps, 'weekly-2026-11-23', { ...narrative, rev: 2 });
    const stale = saveBriefingNarrative(deps, 'weekly-2026-11-23', { ...narrative, rev: 2 });

    // assert
    expect(saved).toMatchObject({ narrative, rev: 3 });
    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision' });
  });

  it('publishes with the number the store took, and refuses to publish or edit it again', async () => {
    // prepare
    const deps = depsAt(JOB_RUN_AT, [draft()]);

    // act
    const published = await publishBriefing(deps, 'weekly-2026-11-23', { rev: 2 }, 'sup-1');
    const [again, edit] = await Promise.allSettled([
      publishBriefing(deps, 'weekly-2026-11-23', { rev: 3 }, 'sup-1'),
      saveBriefingNarrative(deps, 'weekly-2026-11-23', { typicalExperience: '', problemsFound: '', nextSteps: '', rev: 3 }),
    ]);

    // assert
    expect(published).toMatchObject({ state: 'published', number: 1, publishedBy: 'sup-1', publishedAt: JOB_RUN_AT.toISOString(), rev: 3 });
    expect(again).toMatchObject({ status: 'rejected', reason: { reason: 'alreadyPublished', params: { number: 1 } } });
    expect(edit).toMatchObject({ status: 'rejected', reason: { reason: 'alreadyPublished' } });
  });

  it('answers an unknown briefing, or an id of no window, as not found', async () => {
    // prepare
    const deps = depsAt(JOB_RUN_AT);

    // act / assert
    await expect(publishBriefing(deps, 'weekly-2026-11-30', { rev: 1 }, 'sup-1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(publishBriefing(deps, 'weekly-2026-11-24', { rev: 1 }, 'sup-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the newest window first, without figures', async () => {
    // prepare
    const deps = depsAt(JOB_RUN_AT, [draft(), aGoldenBriefing({ briefingId: 'weekly-2026-11-16', from: '2026-11-16', to: '2026-11-22', number: 36 })]);

    // act
    const list = await listBriefings(deps);

    // assert
    expect(list.map((b) => [b.briefingId, b.state, b.number])).toEqual([
      ['weekly-2026-11-23', 'draft', undefined],
      ['weekly-2026-11-16', 'published', 36],
    ]);
    expect(list[0]).not.toHaveProperty('figures');
  });
});
