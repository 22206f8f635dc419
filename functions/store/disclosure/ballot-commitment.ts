import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { commitBallots, type CommittedBallot } from '../../domain/disclosure/commitment';
import { NotFoundError } from '../../domain/errors';
import type { Period } from '../../domain/evaluation/period';
import type { RespondentGroup } from '../../domain/evaluation/respondent-group';
import type { Appeal, BatchReview } from '../../domain/evaluation/review';
import { recountBallots, type RunTallyDeps, type StoredBallot } from '../../domain/evaluation/tally';
import { createDocumentClient, tableName } from '../client';
import { catalogStore } from '../evaluation/catalog-store';
import { responseStore } from '../evaluation/response-store';
import { reviewStore } from '../evaluation/review-store';

/** What a ballot commitment reads: the period and what its tally applies, and every stored ballot of it. */
export interface BallotCommitmentDeps {
  getPeriod(periodId: string): Promise<Period | undefined>;
  listGroups(): Promise<RespondentGroup[]>;
  listAppeals(periodId: string): Promise<Appeal[]>;
  listBatchReviews(periodId: string): Promise<BatchReview[]>;
  getFormVersion: RunTallyDeps['getFormVersion'];
  /** Every stored ballot of the period with its reference, read strongly consistent (a Query per shard, paginated). */
  periodBallots(periodId: string): AsyncIterable<{ ballotRef: string; ballot: StoredBallot }>;
  now(): Date;
}

/**
 * The ports of commitPeriodBallots wired to DynamoDB: the catalog (periods, groups, form versions), the
 * reviews (appeals, batch reviews) and the responses, all read only. A function that calls it needs read
 * access to those three tables.
 */
export function ballotCommitmentDeps(db: DynamoDBDocumentClient = createDocumentClient()): BallotCommitmentDeps {
  const { getPeriod, getFormVersion, listGroups } = catalogStore(db, tableName('catalog'));
  const { listAppeals, listBatchReviews } = reviewStore(db, tableName('reviews'));
  return {
    getPeriod,
    getFormVersion,
    listGroups,
    listAppeals,
    listBatchReviews,
    periodBallots: responseStore(db, tableName('responses')).periodBallots,
    now: () => new Date(),
  };
}

/** What a publication publishes about its ballots (see commitPeriodBallots). */
export interface BallotCommitment {
  /** The Merkle root (hex) over every stored ballot's leaf. */
  root: string;
  total: number;
  counted: number;
  excluded: number;
  /** Static files, paths relative to the public site's root (`commitments/<periodId>/<publicationId>/…`). */
  files: { path: string; body: string }[];
}

/**
 * "Was my rating counted?" for one publication of a period's scores: reads every stored ballot of the period,
 * classifies each by the tally's own rules (PeriodTally over all of them, with the period's groups, appeals
 * and batch reviews — the figures the recount derives from the raw ballots), and commits to them
 * (domain/disclosure/commitment.ts): a Merkle root with the counts, and the files a citizen's page reads — the
 * root file and proof shards by a prefix of the lookup key, so one small file answers one receipt. Nothing
 * is written here: the publisher (disclosure) writes the files with the publication. A ballot deleted from
 * the table is in no later commitment: its receipt's proof fails against the next root, and the recount
 * reports the counters it no longer matches.
 */
export async function commitPeriodBallots(
  deps: BallotCommitmentDeps,
  { periodId, publicationId }: { periodId: string; publicationId: string },
): Promise<BallotCommitment> {
  const period = await deps.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  const [groups, appeals, batchReviews] = await Promise.all([deps.listGroups(), deps.listAppeals(periodId), deps.listBatchReviews(periodId)]);
  const read: Omit<CommittedBallot, 'outcome'>[] = [];
  async function* ballots() {
    for await (const { ballotRef, ballot } of deps.periodBallots(periodId)) {
      read.push({ ballotRef, ...(ballot.ok ? { receiptCode: ballot.response.receiptCode } : {}) });
      yield ballot;
    }
  }
  const tally = await recountBallots(period, { groups, appeals, batchReviews }, ballots(), deps.getFormVersion, { outcomes: true });
  const outcomes = tally.ballotOutcomes();
  const committed = outcomes.map((outcome) => ({ ...read[outcome.index]!, outcome }));
  const { root, files } = commitBallots(committed, { periodId, publicationId, committedAt: deps.now().toISOString() });
  return { root: root.root, total: root.total, counted: root.counted, excluded: root.excluded, files };
}
