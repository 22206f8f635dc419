import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import type { Appeal, FlaggedBatch, ReviewEvent } from '../../../../functions/domain/evaluation/review';
import { decideAppeal, listAppeals, listFlaggedBatches, listReviewEvents, reviewFlaggedBatch } from '../../../../functions/routes/review';
import { call, isConflict } from '../../app/api';
import { errorAt, failureOf, focusSoon, type Failure } from '../../app/components/fields';
import { Loading, Notice } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { formatDateTime } from '../../app/format';
import { messages } from '../../app/i18n';
import { review } from '../../messages/review';
import { AppealsTable, EventsTable, ReasonForm } from './review-views';

/**
 * The supervisors' side of review (复核), under the period's figures: the batches of open ratings the tally
 * flagged, each released or excluded with a reason (up to the newest ballot seen, at the revision seen, so
 * that two supervisors never overwrite each other unseen); the appeals of unit handlers, upheld or
 * rejected with a reason; and the append-only record of every step.
 */

/** A decision being taken: which batch or appeal, and what is decided. */
type Deciding =
  | { kind: 'batch'; batch: FlaggedBatch; action: 'release' | 'exclude' }
  | { kind: 'appeal'; appeal: Appeal; outcome: 'upheld' | 'rejected' };

interface State {
  batches: FlaggedBatch[];
  computedAt: string | undefined;
  appeals: Appeal[];
  events: ReviewEvent[];
}

/** A day (`2026-06-15`) as it is, an instant (a burst window's start) in China Standard Time. */
const bucketText = (bucket: string): string => (/T/.test(bucket) && !Number.isNaN(Date.parse(bucket)) ? formatDateTime(bucket) : bucket);

export function ReviewPanels({ periodId, unitName, onDecided }: { periodId: string; unitName: (unitId: string) => string; onDecided: () => void }) {
  const m = messages(review);
  const state = useSignal<State | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const deciding = useSignal<Deciding | undefined>(undefined);
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const notice = useSignal<{ where: 'flags' | 'appeals'; kind: 'success' | 'info'; say: () => string } | undefined>(undefined);

  const load = async (): Promise<void> => {
    problem.value = undefined;
    try {
      const [flags, { appeals }, { events }] = await Promise.all([
        call(listFlaggedBatches, { params: { periodId } }),
        call(listAppeals, { params: { periodId } }),
        call(listReviewEvents, { params: { periodId } }),
      ]);
      state.value = { batches: flags.batches, computedAt: flags.computedAt, appeals, events };
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };
  useEffect(() => {
    state.value = undefined;
    deciding.value = undefined;
    notice.value = undefined;
    void load();
  }, [periodId]);

  const open = (d: Deciding) => {
    deciding.value = d;
    failure.value = undefined;
    notice.value = undefined;
    focusSoon('decision-heading');
  };

  const decide = async (reason: string) => {
    const d = deciding.value;
    if (!d || busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      let said: NonNullable<typeof notice.value>;
      if (d.kind === 'batch') {
        const action = d.action;
        await call(reviewFlaggedBatch, {
          params: { periodId, batchId: d.batch.batchId },
          body: { action, reason, upTo: d.batch.lastAt, rev: d.batch.review?.rev ?? 0 },
        });
        said = { where: 'flags', kind: 'success', say: () => messages(review).reviewSaved({ action: action === 'release' ? messages(review).released : messages(review).excludedAction }) };
      } else {
        const outcome = d.outcome;
        await call(decideAppeal, { params: { periodId, appealId: d.appeal.appealId }, body: { outcome, reason } });
        said = {
          where: 'appeals',
          kind: 'success',
          say: () => messages(review).decided({ outcome: outcome === 'upheld' ? messages(review).statusUpheld : messages(review).statusRejected }),
        };
      }
      deciding.value = undefined;
      // Said once the lists show the decision.
      await load();
      notice.value = said;
      onDecided();
      focusSoon(d.kind === 'batch' ? 'flags-notice' : 'appeals-notice');
    } catch (err) {
      // Someone else decided in between: show what they decided rather than overwrite it.
      const stale = d.kind === 'batch' ? isConflict(err, CONFLICT.staleRevision) : isConflict(err, CONFLICT.alreadyDecided);
      if (stale) {
        deciding.value = undefined;
        notice.value = { where: d.kind === 'batch' ? 'flags' : 'appeals', kind: 'info', say: () => (d.kind === 'batch' ? messages(review).reviewStale : messages(review).alreadyDecided) };
        await load();
        focusSoon(d.kind === 'batch' ? 'flags-notice' : 'appeals-notice');
      } else {
        failure.value = failureOf(err);
        focusSoon('decision-reason');
      }
    } finally {
      busy.value = false;
    }
  };

  if (problem.value && !state.value) {
    return (
      <Notice kind="error" id="review-problem">
        <p>{problem.value}</p>
        <button type="button" class="secondary" onClick={() => void load()}>
          {m.retry}
        </button>
      </Notice>
    );
  }
  const s = state.value;
  if (!s) return <Loading />;
  const d = deciding.value;
  const decisionForm = (where: 'flags' | 'appeals') => {
    if (!d || (d.kind === 'batch') !== (where === 'flags')) return null;
    const heading =
      d.kind === 'batch'
        ? m.reviewHeading({ action: d.action === 'release' ? m.release : m.exclude, unit: unitName(d.batch.unitId), kind: m.flagKind[d.batch.kind] })
        : m.decisionHeading({ action: d.outcome === 'upheld' ? m.uphold : m.reject, unit: unitName(d.appeal.unitId) });
    return (
      <ReasonForm
        heading={heading}
        note={d.kind === 'batch' ? m.reviewCovers({ count: d.batch.pending, last: formatDateTime(d.batch.lastAt) }) : undefined}
        busy={busy.value}
        failure={failure.value}
        error={errorAt(failure.value?.fields ?? {}, 'reason')}
        onSubmit={(reason) => void decide(reason)}
        onCancel={() => (deciding.value = undefined)}
      />
    );
  };
  const say = (where: 'flags' | 'appeals') =>
    notice.value?.where === where ? (
      <Notice kind={notice.value.kind} id={`${where}-notice`}>
        {notice.value.say()}
      </Notice>
    ) : null;

  return (
    <>
      <section class="review-section" aria-labelledby="flags-heading" id="flags">
        <h2 id="flags-heading">{m.flagsHeading}</h2>
        <p class="muted small">{m.flagsIntro}</p>
        {s.computedAt && <p class="muted small">{m.flagsComputed({ at: formatDateTime(s.computedAt) })}</p>}
        {say('flags')}
        {s.batches.length === 0 ? (
          <p id="flags-none">{m.flagsNone}</p>
        ) : (
          <ScrollTable id="flags-table" class="review-table" caption={m.flagsCaption({ count: s.batches.length })} captionId="flags-caption">
            <thead>
              <tr>
                <th scope="col">{m.colUnit}</th>
                <th scope="col">{m.colKind}</th>
                <th scope="col">{m.colBucket}</th>
                <th scope="col">{m.colTimes}</th>
                <th scope="col" class="num">
                  {m.colPending}
                </th>
                <th scope="col" class="num">
                  {m.colReleased}
                </th>
                <th scope="col" class="num">
                  {m.colExcluded}
                </th>
                <th scope="col">{m.colReview}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {s.batches.map((b) => {
                const name = unitName(b.unitId);
                return (
                  <tr key={b.batchId} data-batch-id={b.batchId} data-unit-id={b.unitId} class={b.pending > 0 ? 'pending' : undefined}>
                    <th scope="row">{name}</th>
                    <td>{m.flagKind[b.kind]}</td>
                    <td>{b.kind === 'clientLimit' ? bucketText(b.bucket) : m.windowFrom({ at: bucketText(b.bucket) })}</td>
                    <td>{m.timeRange({ first: formatDateTime(b.firstAt), last: formatDateTime(b.lastAt) })}</td>
                    <td class="num" data-col="pending">
                      {b.pending}
                    </td>
                    <td class="num" data-col="released">
                      {b.released}
                    </td>
                    <td class="num" data-col="excluded">
                      {b.excluded}
                    </td>
                    <td data-col="review">
                      {b.review ? (
                        <>
                          <ul class="plain-list decisions">
                            {b.review.decisions.map((x) => (
                              <li key={`${x.at}-${x.upTo}`} data-action={x.action}>
                                <span>{m.reviewed({ action: x.action === 'release' ? m.released : m.excludedAction, by: x.by, at: formatDateTime(x.at) })}</span>
                                <span class="muted small block">{m.decisionUpTo({ upTo: formatDateTime(x.upTo) })}</span>
                                <span class="small block reason-text">{x.reason}</span>
                              </li>
                            ))}
                          </ul>
                          {b.recountPending && <span class="badge badge-warn">{m.recountPending}</span>}
                        </>
                      ) : (
                        <span class="muted">{m.noReview}</span>
                      )}
                    </td>
                    <td>
                      {b.pending > 0 && (
                      <div class="row-actions">
                        <button type="button" class="secondary release" onClick={() => open({ kind: 'batch', batch: b, action: 'release' })}>
                          {m.release}
                          <span class="visually-hidden">
                            {' '}
                            {name} · {m.flagKind[b.kind]}
                          </span>
                        </button>
                        <button type="button" class="secondary exclude" onClick={() => open({ kind: 'batch', batch: b, action: 'exclude' })}>
                          {m.exclude}
                          <span class="visually-hidden">
                            {' '}
                            {name} · {m.flagKind[b.kind]}
                          </span>
                        </button>
                      </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollTable>
        )}
        {decisionForm('flags')}
      </section>
      <section class="review-section" aria-labelledby="appeals-heading" id="appeals">
        <h2 id="appeals-heading">{m.appealsHeading}</h2>
        <p class="muted small">{m.appealsIntro}</p>
        {say('appeals')}
        <AppealsTable
          appeals={s.appeals}
          unitName={unitName}
          showRef
          actions={(a) =>
            a.status === 'open' ? (
              <div class="row-actions">
                <button type="button" class="secondary uphold" onClick={() => open({ kind: 'appeal', appeal: a, outcome: 'upheld' })}>
                  {m.uphold}
                  <span class="visually-hidden"> {unitName(a.unitId)}</span>
                </button>
                <button type="button" class="secondary reject" onClick={() => open({ kind: 'appeal', appeal: a, outcome: 'rejected' })}>
                  {m.reject}
                  <span class="visually-hidden"> {unitName(a.unitId)}</span>
                </button>
              </div>
            ) : null
          }
        />
        {decisionForm('appeals')}
      </section>
      <section class="review-section" aria-labelledby="events-heading" id="events">
        <h2 id="events-heading">{m.eventsHeading}</h2>
        <p class="muted small">{m.eventsIntro}</p>
        <EventsTable events={s.events} unitName={unitName} />
      </section>
    </>
  );
}
