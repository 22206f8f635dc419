import { describe, expect, it } from 'vitest';
import type { FormVersion } from '../../../../functions/domain/evaluation/form';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { PeriodTally, flaggedBatchId, windowStart, type StoredBallot, type Tally, type TallyInputs } from '../../../../functions/domain/evaluation/tally';
import {
  aBatchReview,
  anAppeal,
  anInvitationBallot,
  anOpenBallot,
  aPeriodAdmitting,
  aServiceRecordBallot,
  clientKeyOf,
  ratingOf,
  responseOf,
  tallyInputs,
} from '../../../fixtures/ballots';
import { aFormVersion, anAllUnitsContent, someGroups } from '../../../fixtures/catalog';

/**
 * What the tally does besides counting: open ballots flagged past the period's limits and the reviews of
 * their batches, appeals upheld, and groups that count only through invitations. Ballots rate tax-bureau on
 * aFormVersion() unless said otherwise.
 */

const NOW = new Date('2026-06-20T09:00:00+08:00');

/** Tallies the ballots on aFormVersion() (or `version`), with the review state given. */
function tally(ballots: readonly StoredBallot[], period: Period, inputs: TallyInputs = tallyInputs(), version: FormVersion = aFormVersion()) {
  const periodTally = new PeriodTally(period, inputs);
  for (const ballot of ballots) periodTally.add(ballot, version);
  return periodTally.result(NOW);
}

const tallyOf = (result: { tallies: Tally[] }, unitId = 'tax-bureau'): Tally => {
  const found = result.tallies.find((t) => t.unitId === unitId);
  if (!found) throw new Error(`no tally of ${unitId}`);
  return found;
};

/** `count` open ballots from `client`, one a second from `start` (CST). */
const fromClient = (client: string, count: number, start = '2026-06-15T10:00:00+08:00', overrides = {}) =>
  Array.from({ length: count }, (_, i) => anOpenBallot(new Date(Date.parse(start) + i * 1000).toISOString(), client, overrides));

/** One open ballot from each of `count` clients, one a second from `start`. */
const fromClients = (count: number, start = '2026-06-15T10:00:00+08:00', overrides = {}) =>
  Array.from({ length: count }, (_, i) => anOpenBallot(new Date(Date.parse(start) + i * 1000).toISOString(), `phone-${i}`, overrides));

const at = (ballot: StoredBallot) => responseOf(ballot).submittedAt;

describe('windowStart', () => {
  it('puts an instant in its window of the day, windows counted from midnight in China Standard Time', () => {
    const windows = [
      windowStart(Date.parse('2026-06-15T10:09:59+08:00'), 10),
      windowStart(Date.parse('2026-06-15T10:10:00+08:00'), 10),
      windowStart(Date.parse('2026-06-15T00:06:59+08:00'), 7),
      // 1439 minutes into the day: the last 7-minute window of a day starts at 1435 (23:55) and ends at midnight.
      windowStart(Date.parse('2026-06-14T23:59:00+08:00'), 7),
    ];

    expect(windows).toEqual(['2026-06-15T10:00:00+08:00', '2026-06-15T10:10:00+08:00', '2026-06-15T00:00:00+08:00', '2026-06-14T23:55:00+08:00']);
  });
});

describe('PeriodTally flags on open ballots', () => {
  it('counts the first ballots of a client each day and flags the rest, as one batch per client and day', () => {
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
    const phone1 = fromClient('phone-1', 4);
    const ballots = [...phone1, anOpenBallot('2026-06-15T11:00:00+08:00', 'phone-2'), anOpenBallot('2026-06-16T09:00:00+08:00', 'phone-1')];

    const result = tally(ballots, period);

    expect(tallyOf(result)).toMatchObject({ ballots: 6, n: 4, excluded: { flagged: 2 } });
    expect(result.batches).toEqual([
      {
        periodId: '2026-annual',
        batchId: flaggedBatchId('tax-bureau', { kind: 'clientLimit', bucket: '2026-06-15', key: clientKeyOf('phone-1') }),
        unitId: 'tax-bureau',
        kind: 'clientLimit',
        bucket: '2026-06-15',
        firstAt: at(phone1[2]!),
        lastAt: at(phone1[3]!),
        ballots: 2,
        pending: 2,
        released: 0,
        excluded: 0,
      },
    ]);
    expect(result.run).toMatchObject({ flaggedPending: 2, excluded: { flagged: 2 } });
  });

  it('flags the ballots of a unit past the burst limit of a window, and counts again in the next window', () => {
    const period = aPeriodAdmitting({ openLimits: { burstWindowMinutes: 10, burstPerUnit: 3 } });
    const ballots = [...fromClients(5, '2026-06-15T10:09:50+08:00')];

    const result = tally(ballots, period);

    // 10:09:50 … 10:09:54 fall in the window of 10:00: three count, two are flagged.
    expect(tallyOf(result)).toMatchObject({ n: 3, excluded: { flagged: 2 } });
    expect(result.batches.map((b) => [b.kind, b.bucket, b.ballots])).toEqual([['burst', '2026-06-15T10:00:00+08:00', 2]]);
    const nextWindow = tally([...ballots, ...fromClients(3, '2026-06-15T10:10:00+08:00')], period);
    expect(tallyOf(nextWindow)).toMatchObject({ n: 6, excluded: { flagged: 2 } });
  });

  it("keeps a ballot flagged for its client in that batch, while it counts towards its window's burst", () => {
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2, burstPerUnit: 3 } });
    // phone-1 three times (its third past the client limit), then two other phones: arrivals 4 and 5 of the window.
    const ballots = [...fromClient('phone-1', 3), anOpenBallot('2026-06-15T10:01:00+08:00', 'phone-2'), anOpenBallot('2026-06-15T10:02:00+08:00', 'phone-3')];

    const result = tally(ballots, period);

    expect(tallyOf(result)).toMatchObject({ n: 2, excluded: { flagged: 3 } });
    expect(result.batches.map((b) => [b.kind, b.ballots])).toEqual([
      ['clientLimit', 1],
      ['burst', 2],
    ]);
  });

  it('flags ballots with the very same answers past the limit of a window, and not others', () => {
    const period = aPeriodAdmitting({ openLimits: { identicalPerUnit: 2 } });
    const same = fromClients(4, '2026-06-15T10:00:00+08:00', ratingOf('veryDissatisfied'));
    const other = anOpenBallot('2026-06-15T10:00:30+08:00', 'phone-x', ratingOf('satisfied'));

    const result = tally([...same, other], period);

    expect(tallyOf(result)).toMatchObject({ n: 3, counts: { veryDissatisfied: 2, satisfied: 1 }, excluded: { flagged: 2 } });
    expect(result.batches.map((b) => [b.kind, b.bucket, b.ballots, b.firstAt])).toEqual([['identicalAnswers', '2026-06-15T10:00:00+08:00', 2, at(same[2]!)]]);
  });

  it('never flags a ballot that came with a token, however many come at once', () => {
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 1, burstPerUnit: 1, identicalPerUnit: 1 } });
    const moment = { submittedAt: '2026-06-15T02:00:00.000Z' };
    const ballots = [
      ...Array.from({ length: 5 }, () => aServiceRecordBallot(moment)),
      ...Array.from({ length: 5 }, () => anInvitationBallot(undefined, moment)),
    ];

    const result = tally(ballots, period);

    expect(tallyOf(result)).toMatchObject({ ballots: 10, n: 10, excluded: {} });
    expect(result.batches).toEqual([]);
  });

  it('flags the same ballots into the same batches whatever order they are read in, ties broken by reference', () => {
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
    // Four ballots of one client in the same millisecond, rated differently: which two count is decided by reference.
    const levels = ['verySatisfied', 'satisfied', 'dissatisfied', 'veryDissatisfied'];
    const ballots = levels.map((level) => anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', ratingOf(level)));

    const inOrder = tally(ballots, period);
    const reversed = tally([...ballots].reverse(), period);

    expect(tallyOf(inOrder).counts).toEqual({ verySatisfied: 1, satisfied: 1 });
    expect(reversed).toEqual(inOrder);
  });

  it('excludes a ballot as a whole when it is flagged for every unit it rates, and for one unit only otherwise', () => {
    const version = aFormVersion({ content: anAllUnitsContent() });
    const period = aPeriodAdmitting({ openLimits: { identicalPerUnit: 1 } });
    const four = (level: string) => ({ evaluation: { attitude: level, efficiency: level, integrity: level, policy: level } });
    // The second ballot repeats the first's answers about tax-bureau only; the third repeats both.
    const units = (tax: string, centre: string) => ({ group: 'citizen', answers: { group: 'citizen' }, units: { 'tax-bureau': four(tax), 'service-centre': four(centre) } });
    const ballots = [
      anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', units('satisfied', 'satisfied')),
      anOpenBallot('2026-06-15T10:00:01+08:00', 'phone-2', units('satisfied', 'dissatisfied')),
      anOpenBallot('2026-06-15T10:00:02+08:00', 'phone-3', units('satisfied', 'satisfied')),
    ];

    const result = tally(ballots, period, tallyInputs(), version);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 3, n: 1, excluded: { flagged: 2 } });
    expect(tallyOf(result, 'service-centre')).toMatchObject({ ballots: 3, n: 2, excluded: { flagged: 1 } });
    expect(result.run).toMatchObject({ ballots: 3, excluded: { flagged: 1 }, flaggedPending: 3 });
  });
});

describe('PeriodTally reviews of flagged batches', () => {
  const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
  // Six ballots of one client: the first two count, the other four (10:00:02 … 10:00:05) are flagged.
  const ballots = fromClient('phone-1', 6, '2026-06-15T10:00:00+08:00', ratingOf('veryDissatisfied'));
  const batchId = flaggedBatchId('tax-bureau', { kind: 'clientLimit', bucket: '2026-06-15', key: clientKeyOf('phone-1') });

  it("counts the ballots a release covers, up to its upTo, and leaves those that came later flagged", () => {
    const review = aBatchReview(batchId, [['release', '2026-06-15T10:00:03+08:00']]);

    const result = tally(ballots, period, tallyInputs({ batchReviews: [review] }));

    expect(tallyOf(result)).toMatchObject({ ballots: 6, n: 4, counts: { veryDissatisfied: 4 }, excluded: { flagged: 2 } });
    expect(result.batches).toEqual([expect.objectContaining({ batchId, ballots: 4, released: 2, excluded: 0, pending: 2, review })]);
  });

  it('excludes the ballots an exclusion covers with the reason "excluded on review"', () => {
    const review = aBatchReview(batchId, [['exclude', '2026-06-15T10:00:05+08:00']]);

    const result = tally(ballots, period, tallyInputs({ batchReviews: [review] }));

    expect(tallyOf(result)).toMatchObject({ ballots: 6, n: 2, excluded: { excludedOnReview: 4 } });
    expect(result.batches).toEqual([expect.objectContaining({ ballots: 4, released: 0, excluded: 4, pending: 0 })]);
    expect(result.run).toMatchObject({ excluded: { excludedOnReview: 4 }, flaggedPending: 0 });
  });

  it('applies each decision to the ballots after the one before it', () => {
    const review = aBatchReview(batchId, [
      ['exclude', '2026-06-15T10:00:03+08:00'],
      ['release', '2026-06-15T10:00:05+08:00'],
    ]);

    const result = tally(ballots, period, tallyInputs({ batchReviews: [review] }));

    expect(tallyOf(result)).toMatchObject({ n: 4, excluded: { excludedOnReview: 2 } });
    expect(result.batches).toEqual([expect.objectContaining({ released: 2, excluded: 2, pending: 0 })]);
  });

  it('counts released ballots exactly as if they had never been flagged', () => {
    const released = tally(ballots, period, tallyInputs({ batchReviews: [aBatchReview(batchId, [['release', '2026-06-16T00:00:00+08:00']])] }));
    const unflagged = tally(ballots, aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 6 } }));

    expect(tallyOf(released)).toEqual(tallyOf(unflagged));
  });
});

describe('PeriodTally appeals', () => {
  const version = aFormVersion({ content: anAllUnitsContent() });
  const four = (level: string) => ({ evaluation: { attitude: level, efficiency: level, integrity: level, policy: level } });
  const both = { units: { 'tax-bureau': four('veryDissatisfied'), 'service-centre': four('veryDissatisfied') } };

  it('excludes a ballot for the unit whose appeal was upheld, and counts it for the other units it rates', () => {
    const appealed = aServiceRecordBallot(both);
    const rejected = aServiceRecordBallot(both);
    const open = aServiceRecordBallot(both);
    const appeals = [anAppeal(responseOf(appealed).ballotRef), anAppeal(responseOf(rejected).ballotRef, 'rejected'), anAppeal(responseOf(open).ballotRef, 'open')];

    const result = tally([appealed, rejected, open], aPeriodAdmitting(), tallyInputs({ appeals }), version);

    expect(tallyOf(result, 'tax-bureau')).toMatchObject({ ballots: 3, n: 2, excluded: { appealUpheld: 1 } });
    expect(tallyOf(result, 'service-centre')).toMatchObject({ ballots: 3, n: 3, excluded: {} });
    expect(result.run.excluded).toEqual({});
  });

  it('excludes a one-unit ballot as a whole when its appeal is upheld', () => {
    const ballot = aServiceRecordBallot(ratingOf('veryDissatisfied'));

    const result = tally([ballot], aPeriodAdmitting(), tallyInputs({ appeals: [anAppeal(responseOf(ballot).ballotRef)] }));

    expect(tallyOf(result)).toMatchObject({ ballots: 1, n: 0, excluded: { appealUpheld: 1 } });
    expect(result.run.excluded).toEqual({ appealUpheld: 1 });
  });

  it('takes an appealed ballot out of its batch, while it still counts towards the limits', () => {
    const period = aPeriodAdmitting({ openLimits: { perClientPerUnitPerDay: 2 } });
    const ballots = fromClient('phone-1', 4);

    // The second ballot's appeal is upheld: it still came, so the third and fourth are past the limit of two.
    const result = tally(ballots, period, tallyInputs({ appeals: [anAppeal(responseOf(ballots[1]!).ballotRef)] }));
    const appealedWhenFlagged = tally(ballots, period, tallyInputs({ appeals: [anAppeal(responseOf(ballots[2]!).ballotRef)] }));

    expect(tallyOf(result)).toMatchObject({ ballots: 4, n: 1, excluded: { appealUpheld: 1, flagged: 2 } });
    expect(tallyOf(appealedWhenFlagged)).toMatchObject({ ballots: 4, n: 2, excluded: { appealUpheld: 1, flagged: 1 } });
    expect(appealedWhenFlagged.batches).toEqual([expect.objectContaining({ ballots: 1, pending: 1, firstAt: at(ballots[3]!) })]);
  });
});

describe('PeriodTally groups that count only through invitations', () => {
  const claim = (group: string) => ratingOf('veryDissatisfied', group);

  it('counts an open claim to such a group in the group the period names, with its weight', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'countAs', groupId: 'citizen' } });

    const result = tally([anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', claim('deputy')), aServiceRecordBallot(ratingOf('verySatisfied'))], period);

    expect(tallyOf(result)).toMatchObject({ n: 2, excluded: {}, groupScores: { citizen: { n: 2, score: 50 } } });
  });

  it('excludes it with the reason "unverified group" when the period says so', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' } });

    const result = tally([anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', claim('appointed-supervisor'))], period);

    expect(tallyOf(result)).toMatchObject({ ballots: 1, n: 0, excluded: { unverifiedGroup: 1 }, groupScores: {} });
    expect(result.run.excluded).toEqual({ unverifiedGroup: 1 });
  });

  it('counts a ballot in such a group only through an invitation issued for that group', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' } });
    const ballots = [
      anInvitationBallot('deputy', claim('deputy')),
      // an invitation issued for no group, or for another one, and a service record do not verify the claim
      anInvitationBallot(undefined, claim('deputy')),
      anInvitationBallot('appointed-supervisor', claim('deputy')),
      aServiceRecordBallot(claim('deputy')),
    ];

    const result = tally(ballots, period);

    expect(tallyOf(result)).toMatchObject({ ballots: 4, n: 1, excluded: { unverifiedGroup: 3 }, groupScores: { deputy: { n: 1, score: 0 } } });
  });

  it('leaves a group that needs no invitation as claimed, and treats an admin-made group by its setting', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' } });
    // An admin says enterprises, too, count only through invitations.
    const groups = someGroups().map((g) => (g.groupId === 'enterprise' ? { ...g, requiresInvitation: true } : g));

    const open = tally([anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', claim('enterprise'))], period);
    const enterprisesByInvitation = tally([anOpenBallot('2026-06-15T10:00:00+08:00', 'phone-1', claim('enterprise'))], period, tallyInputs({ groups }));

    expect(tallyOf(open)).toMatchObject({ n: 1, groupScores: { enterprise: { n: 1, score: 0 } } });
    expect(tallyOf(enterprisesByInvitation)).toMatchObject({ n: 0, excluded: { unverifiedGroup: 1 } });
  });

  it('shows a flagged unverified claim as flagged until reviewed, and as an unverified group once released', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' }, openLimits: { perClientPerUnitPerDay: 1 } });
    const ballots = fromClient('phone-1', 2, '2026-06-15T10:00:00+08:00', claim('deputy'));
    const batchId = flaggedBatchId('tax-bureau', { kind: 'clientLimit', bucket: '2026-06-15', key: clientKeyOf('phone-1') });

    const pending = tally(ballots, period);
    const released = tally(ballots, period, tallyInputs({ batchReviews: [aBatchReview(batchId, [['release', at(ballots[1]!)]])] }));

    expect(tallyOf(pending).excluded).toEqual({ unverifiedGroup: 1, flagged: 1 });
    expect(tallyOf(released).excluded).toEqual({ unverifiedGroup: 2 });
  });
});

describe('the demo unit of issue 7', () => {
  // "Two anonymous posts claiming 'deputy' and 'appointed supervisor' moved a demo unit's composite from 59.87
  // to 47.89, because each took the whole weight of a group that had no ballots yet."
  // Weights: citizen 0.5, enterprise 0.3, deputy 0.1, appointed supervisor 0.1 (aPeriod()).
  // Citizens 3 × 非常满意 + 5 × 非常不满意 → S = 37.5; enterprises 6 × 非常满意 + 1 × 满意 → S = 680 / 7.
  // Without the posts: (0.5 × 37.5 + 0.3 × 680 / 7) / 0.8 = 59.866…; with them at 0 points each and full
  // coverage: 0.5 × 37.5 + 0.3 × 680 / 7 = 47.892….
  const levels = (group: string, counts: [string, number][]) =>
    counts.flatMap(([level, n]) => Array.from({ length: n }, () => ratingOf(level, group)));
  const demo = [
    ...levels('citizen', [
      ['verySatisfied', 3],
      ['veryDissatisfied', 5],
    ]),
    ...levels('enterprise', [
      ['verySatisfied', 6],
      ['satisfied', 1],
    ]),
  ].map((answers, i) => anOpenBallot(new Date(Date.parse('2026-06-15T09:00:00+08:00') + i * 3_600_000).toISOString(), `phone-${i}`, answers));
  const posts = [
    anOpenBallot('2026-06-16T23:58:00+08:00', 'anonymous-1', ratingOf('veryDissatisfied', 'deputy')),
    anOpenBallot('2026-06-16T23:59:00+08:00', 'anonymous-2', ratingOf('veryDissatisfied', 'appointed-supervisor')),
  ];
  const composite = (ballots: StoredBallot[], period: Period, inputs = tallyInputs()) => tallyOf(tally(ballots, period, inputs)).compositeScore;
  /** Groups as they were before issue 7: every claim counted as made. */
  const selfDeclared = tallyInputs({ groups: someGroups().map((g) => ({ ...g, requiresInvitation: false })) });

  it('was moved from 59.87 to 47.89 by the two posts while groups were self-declared', () => {
    const before = composite(demo, aPeriodAdmitting(), selfDeclared);
    const after = composite([...demo, ...posts], aPeriodAdmitting(), selfDeclared);

    expect([before?.toFixed(2), after?.toFixed(2)]).toEqual(['59.87', '47.89']);
  });

  it('keeps the composite it had without the posts when the period excludes unverified claims', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' } });

    const result = tally([...demo, ...posts], period);

    expect(tallyOf(result).compositeScore).toBe(composite(demo, period));
    expect(tallyOf(result).compositeScore?.toFixed(2)).toBe('59.87');
    expect(tallyOf(result).excluded).toEqual({ unverifiedGroup: 2 });
  });

  it('counts the posts as citizens when the period says so, as if they had claimed to be citizens', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'countAs', groupId: 'citizen' } });
    const asCitizens = posts.map((p) => ({ ok: true as const, response: { ...responseOf(p), ...ratingOf('veryDissatisfied', 'citizen') } }));

    const counted = composite([...demo, ...posts], period);

    // Citizens: 300 points over 10 ballots = 30; (0.5 × 30 + 0.3 × 680 / 7) / 0.8 = 55.18.
    expect(counted).toBe(composite([...demo, ...asCitizens], period));
    expect(counted?.toFixed(2)).toBe('55.18');
  });

  it('counts a deputy who rated through an invitation for deputies in that group, with its weight', () => {
    const period = aPeriodAdmitting({ unverifiedClaim: { action: 'exclude' } });
    const invited = anInvitationBallot('deputy', ratingOf('veryDissatisfied', 'deputy'));

    const result = tally([...demo, invited, ...posts], period);

    // The invited deputy's 0 points weigh 0.1; both anonymous claims stay excluded: (47.892… + 0.1 × 0) / 0.9 = 53.21.
    expect(tallyOf(result)).toMatchObject({ groupScores: { deputy: { n: 1, score: 0 } }, weightCoverage: expect.closeTo(0.9, 10), excluded: { unverifiedGroup: 2 } });
    expect(tallyOf(result).compositeScore?.toFixed(2)).toBe('53.21');
  });
});
