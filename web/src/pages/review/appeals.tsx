import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CONFLICT } from '../../../../functions/domain/errors';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import type { PublishedForm } from '../../../../functions/domain/evaluation/published-form';
import { ratingLabel } from '../../../../functions/domain/evaluation/rating-scale';
import type { Appeal, UnitBallot } from '../../../../functions/domain/evaluation/review';
import type { LocalizedText } from '../../../../functions/domain/text';
import { getForm } from '../../../../functions/routes/evaluation';
import { fileAppeal, listAppeals, listUnitBallots } from '../../../../functions/routes/review';
import { ApiError, call, isConflict } from '../../app/api';
import { errorAt, failureOf, focusSoon, type Failure } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime } from '../../app/format';
import { lang, local, messages } from '../../app/i18n';
import { PeriodField, usePeriodChoice } from '../../app/periods';
import { staff } from '../../app/session';
import { review } from '../../messages/review';
import { AppealsTable, ReasonForm, appealStatusText } from './review-views';

/**
 * The unit handlers' page (评价与申诉, appeals.html?period=<id>&unit=<id>): the ratings of one of their units
 * in a period — newest first, a page at a time, bad reviews marked, with what the respondent wrote and
 * never who they are — an appeal (申诉) of one of them with a reason, and the unit's appeals with the
 * supervisors' decisions and reasons, which both sides see. The units are the handler's `unit:<id>` groups.
 */

/** The names of units and groups as the period's published forms give them (a unit handler may not list units). */
interface Names {
  units: Map<string, LocalizedText>;
  groups: Map<string, LocalizedText>;
}

async function namesOf(period: PeriodWithForms): Promise<Names> {
  const forms = await Promise.all(
    period.formIds.map((formId) =>
      call(getForm, { params: { formId } }).catch((err: unknown): PublishedForm | undefined => {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }),
    ),
  );
  const names: Names = { units: new Map(), groups: new Map() };
  for (const f of forms) {
    for (const u of f?.units ?? []) names.units.set(u.unitId, u.name);
    for (const g of f?.groups ?? []) names.groups.set(g.groupId, g.name);
  }
  return names;
}

function keepInUrl(key: 'unit', value: string): void {
  const url = new URL(location.href);
  url.searchParams.set(key, value);
  history.replaceState(null, '', url);
}

/** One rating as the unit sees it: when, the group, the ratings (bad ones marked), what was written, and its appeal. */
function BallotCard(props: { ballot: UnitBallot; groupName: string; appeal: Appeal | undefined; onAppeal: () => void; appealing: boolean }) {
  const { ballot: b, groupName, appeal, onAppeal, appealing } = props;
  const m = messages(review);
  const at = formatDateTime(b.submittedAt);
  return (
    <li class={b.badReview ? 'ballot bad' : 'ballot'} data-ballot-ref={b.ballotRef} data-bad={b.badReview ? 'true' : 'false'}>
      <p class="ballot-head">
        <span class="ballot-at">{m.ballotAt({ at })}</span>
        {b.badReview && <span class="badge badge-bad">{m.badReview}</span>}
      </p>
      <p class="muted small">{m.ballotGroup({ group: groupName })}</p>
      {b.ratings.length === 0 ? (
        <p class="muted small">{m.noRatings}</p>
      ) : (
        <ul class="ballot-ratings">
          {b.ratings.map((r) => (
            <li key={r.dimensionId} class={r.badReview ? 'bad-rating' : undefined} data-dimension-id={r.dimensionId} data-rating={r.rating}>
              <span>{local(r.label)}</span> <strong>{ratingLabel(r.rating, lang.value)}</strong>
            </li>
          ))}
        </ul>
      )}
      {b.texts.length > 0 && (
        <div class="ballot-texts">
          <p class="small muted">{m.texts}</p>
          {b.texts.map((t, i) => (
            <blockquote key={i}>{t}</blockquote>
          ))}
        </div>
      )}
      {b.appeal ? (
        <div class="ballot-appeal" data-status={b.appeal.status}>
          <p>
            <span class={`badge badge-appeal-${b.appeal.status}`}>{m.appealStatus({ status: appealStatusText(b.appeal.status) })}</span>
          </p>
          {appeal?.decision && (
            <p class="small">
              {m.decisionReason({ reason: appeal.decision.reason })}
              <span class="muted block">{m.decidedBy({ by: appeal.decision.by, at: formatDateTime(appeal.decision.at) })}</span>
            </p>
          )}
        </div>
      ) : (
        <p class="actions">
          <button type="button" class="secondary appeal" aria-expanded={appealing} onClick={onAppeal}>
            {m.appeal}
            <span class="visually-hidden"> {m.appealOf({ at })}</span>
          </button>
        </p>
      )}
    </li>
  );
}

interface Loaded {
  ballots: UnitBallot[];
  cursor: string | undefined;
}

function UnitRatings({ periodId, unitId, names }: { periodId: string; unitId: string; names: Names }) {
  const m = messages(review);
  const loaded = useSignal<Loaded | undefined>(undefined);
  const appeals = useSignal<Appeal[] | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const more = useSignal(false);
  const badOnly = useSignal(false);
  const appealing = useSignal<UnitBallot | undefined>(undefined);
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const notice = useSignal<{ kind: 'success' | 'info'; say: () => string } | undefined>(undefined);

  const loadAppeals = async () => {
    const got = (await call(listAppeals, { params: { periodId } })).appeals;
    appeals.value = got.filter((a) => a.unitId === unitId);
  };
  const load = async () => {
    problem.value = undefined;
    try {
      const [page] = await Promise.all([call(listUnitBallots, { params: { periodId, unitId }, query: {} }), loadAppeals()]);
      loaded.value = { ballots: page.ballots, cursor: page.cursor };
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const loadMore = async () => {
    const now = loaded.value;
    if (!now?.cursor || more.value) return;
    more.value = true;
    try {
      const page = await call(listUnitBallots, { params: { periodId, unitId }, query: { cursor: now.cursor } });
      loaded.value = { ballots: [...now.ballots, ...page.ballots], cursor: page.cursor };
    } catch (err) {
      problem.value = failureOf(err).message;
    } finally {
      more.value = false;
    }
  };

  const submitAppeal = async (reason: string) => {
    const ballot = appealing.value;
    if (!ballot || busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      const appeal = await call(fileAppeal, { params: { periodId }, body: { unitId, ballotRef: ballot.ballotRef, reason } });
      markAppealed(ballot.ballotRef, appeal);
      notice.value = { kind: 'success', say: () => messages(review).appealFiled };
      appealing.value = undefined;
      await loadAppeals();
      focusSoon('ballots-notice');
    } catch (err) {
      if (isConflict(err, CONFLICT.alreadyAppealed)) {
        appealing.value = undefined;
        notice.value = { kind: 'info', say: () => messages(review).alreadyAppealed };
        await load();
        focusSoon('ballots-notice');
      } else {
        failure.value = failureOf(err);
        focusSoon('decision-reason');
      }
    } finally {
      busy.value = false;
    }
  };

  const markAppealed = (ballotRef: string, appeal: Appeal) => {
    if (!loaded.value) return;
    loaded.value = {
      ...loaded.value,
      ballots: loaded.value.ballots.map((b) => (b.ballotRef === ballotRef ? { ...b, appeal: { appealId: appeal.appealId, status: appeal.status } } : b)),
    };
  };

  const unitName = (id: string) => {
    const name = names.units.get(id);
    return name ? local(name) : id;
  };
  const groupName = (id: string) => {
    const name = names.groups.get(id);
    return name ? local(name) : id;
  };

  if (problem.value && !loaded.value) {
    return (
      <Notice kind="error">
        <p>{problem.value}</p>
        <button type="button" class="secondary" onClick={() => void load()}>
          {m.retry}
        </button>
      </Notice>
    );
  }
  const l = loaded.value;
  if (!l) return <Loading />;
  const shown = badOnly.value ? l.ballots.filter((b) => b.badReview) : l.ballots;
  const a = appealing.value;
  return (
    <>
      <section aria-labelledby="ballots-heading" class="review-section">
        <h2 id="ballots-heading">{m.ballotsHeading}</h2>
        {notice.value && (
          <Notice kind={notice.value.kind} id="ballots-notice">
            {notice.value.say()}
          </Notice>
        )}
        {problem.value && <Notice kind="error">{problem.value}</Notice>}
        {l.ballots.length === 0 ? (
          <p id="ballots-none">{m.ballotsNone}</p>
        ) : (
          <>
            <div class="toolbar ballots-toolbar">
              <label class="choice">
                <input type="checkbox" id="bad-only" checked={badOnly.value} onChange={(e) => (badOnly.value = (e.currentTarget as HTMLInputElement).checked)} />
                <span>{m.badOnly}</span>
              </label>
              <p class="muted small" role="status">
                {m.ballotsShown({ shown: shown.length, loaded: l.ballots.length })}
              </p>
            </div>
            <ul class="ballots" id="ballots">
              {shown.map((b) => (
                <BallotCard
                  key={b.ballotRef}
                  ballot={b}
                  groupName={groupName(b.group)}
                  appeal={appeals.value?.find((x) => x.ballotRef === b.ballotRef)}
                  appealing={a?.ballotRef === b.ballotRef}
                  onAppeal={() => {
                    appealing.value = b;
                    failure.value = undefined;
                    notice.value = undefined;
                    focusSoon('decision-heading');
                  }}
                />
              ))}
            </ul>
            {l.cursor && (
              <p>
                <button type="button" class="secondary" id="load-more" disabled={more.value} onClick={() => void loadMore()}>
                  {more.value ? m.loadingMore : m.loadMore}
                </button>
              </p>
            )}
          </>
        )}
        {a && (
          <ReasonForm
            heading={m.appealOf({ at: formatDateTime(a.submittedAt) })}
            label={m.appealReasonLabel}
            hint={m.appealReasonHint}
            submitLabel={m.appealSubmit}
            busy={busy.value}
            failure={failure.value}
            error={errorAt(failure.value?.fields ?? {}, 'reason')}
            onSubmit={(reason) => void submitAppeal(reason)}
            onCancel={() => (appealing.value = undefined)}
          />
        )}
      </section>
      <section aria-labelledby="my-appeals-heading" class="review-section" id="appeals">
        <h2 id="my-appeals-heading">{m.myAppealsHeading}</h2>
        {appeals.value ? <AppealsTable appeals={appeals.value} unitName={unitName} /> : <Loading />}
      </section>
    </>
  );
}

function AppealsPage() {
  const m = messages(review);
  const names = useSignal<Names | undefined>(undefined);
  const unitId = useSignal('');
  const problem = useSignal<string | undefined>(undefined);
  const { periods, periodId, load } = usePeriodChoice(problem, () => loadNames());
  const myUnits = staff.value?.unitIds ?? [];

  const loadNames = async () => {
    const period = periods.value?.find((p) => p.periodId === periodId.value);
    if (!period) return;
    names.value = undefined;
    try {
      const got = await namesOf(period);
      if (period.periodId === periodId.value) names.value = got;
    } catch (err) {
      problem.value = failureOf(err).message;
    }
  };
  useEffect(() => {
    const wanted = new URLSearchParams(location.search).get('unit');
    unitId.value = wanted && myUnits.includes(wanted) ? wanted : (myUnits[0] ?? '');
    if (myUnits.length > 0) void load();
  }, []);

  if (myUnits.length === 0) {
    return (
      <>
        <h1>{m.handlerTitle}</h1>
        <Notice kind="info">{m.noUnits}</Notice>
      </>
    );
  }
  const unitText = (id: string) => {
    const name = names.value?.units.get(id);
    return name ? `${local(name)} · ${id}` : id;
  };
  return (
    <>
      <h1>{m.handlerTitle}</h1>
      <p>{m.handlerIntro}</p>
      {problem.value && (
        <LoadFailed message={problem.value} onRetry={() => void load()} />
      )}
      {!periods.value ? (
        !problem.value && <Loading />
      ) : periods.value.length === 0 ? (
        <p>{m.noPeriods}</p>
      ) : (
        <>
          <div class="toolbar handler-toolbar">
            <PeriodField
              periods={periods.value}
              value={periodId.value}
              label={m.periodLabel}
              onPick={(id) => {
                periodId.value = id;
                void loadNames();
              }}
            />
            <div class="field">
              <label for="unit">{m.unitLabel}</label>
              <select
                id="unit"
                value={unitId.value}
                onChange={(e) => {
                  unitId.value = (e.currentTarget as HTMLSelectElement).value;
                  keepInUrl('unit', unitId.value);
                }}
              >
                {myUnits.map((u) => (
                  <option key={u} value={u}>
                    {unitText(u)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {names.value ? <UnitRatings key={`${periodId.value}/${unitId.value}`} periodId={periodId.value} unitId={unitId.value} names={names.value} /> : !problem.value && <Loading />}
        </>
      )}
    </>
  );
}

function Root() {
  return (
    <StaffShell roles={fileAppeal.access} title={messages(review).handlerTitle}>
      <AppealsPage />
    </StaffShell>
  );
}

mount(<Root />);
