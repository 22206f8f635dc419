import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Disclosure, DisclosureDetail, DisclosureItem, DisclosureList, RedactedText } from '../../../../functions/domain/disclosure/disclosure';
import { DISCLOSURE_STATE_LABELS, REDACTION_KIND_LABELS } from '../../../../functions/domain/disclosure/messages';
import { editableTexts } from '../../../../functions/domain/disclosure/texts';
import { CONFLICT } from '../../../../functions/domain/errors';
import type { PeriodWithForms } from '../../../../functions/domain/evaluation/period-admin';
import { approveDisclosure, editDisclosure, getDisclosure, listDisclosures, proposeDisclosure, withdrawDisclosure } from '../../../../functions/routes/disclosure';
import { listPeriods } from '../../../../functions/routes/evaluation';
import { call, isConflict } from '../../app/api';
import { FailureNotice, Field, TextField, errorAt, failureOf, focusSoon, type Failure } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { disclosureStaff } from '../../messages/disclosure';

/**
 * The supervisors' disclosure page (公示审核, disclosures.html[?id=<disclosureId>][&case=<caseId>][&ledger=<caseId>]):
 * propose a disclosure (a period's scores, case KPIs of a range, closed cases, ledger items marked for publication),
 * then read each redacted text with what redaction masked, edit it (masked again on save), approve the revision
 * read — which publishes it to disclosure.html — and withdraw a published one. `case` and `ledger` pre-fill the
 * proposal (links from the case and ledger pages).
 */

const query = new URLSearchParams(location.search);
/** Each state's badge: awaiting approval stands out, published is good, withdrawn is over. */
const STATE_BADGE = { DRAFT: 'badge-warn', PUBLISHED: 'badge-open', WITHDRAWN: 'badge-ended' } as const;
const lines = (text: string) => [...new Set(text.split(/\s+/).filter(Boolean))];

function openDisclosure(id: string | undefined): void {
  const url = new URL(location.href);
  url.search = id ? `?id=${encodeURIComponent(id)}` : '';
  history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

function Propose({ periods }: { periods: readonly PeriodWithForms[] }) {
  const m = messages(disclosureStaff);
  const title = useSignal('');
  const periodId = useSignal('');
  const from = useSignal('');
  const to = useSignal('');
  const caseIds = useSignal(query.get('case') ?? '');
  const ledgerIds = useSignal(query.get('ledger') ?? '');
  const failure = useSignal<Failure | undefined>(undefined);
  const busy = useSignal(false);
  const fields = failure.value?.fields ?? {};

  const items = () => [
    ...(periodId.value ? [{ kind: 'scores' as const, periodId: periodId.value }] : []),
    ...(from.value || to.value ? [{ kind: 'kpis' as const, from: from.value, to: to.value }] : []),
    ...lines(caseIds.value).map((caseId) => ({ kind: 'case' as const, caseId })),
    ...lines(ledgerIds.value).map((caseId) => ({ kind: 'ledgerItem' as const, caseId })),
  ];
  // Which field an item's error belongs to, by its index in items().
  const fieldOf = (path: string): string => {
    const at = /^items\.(\d+)/.exec(path);
    if (!at) return path;
    const item = items()[Number(at[1])];
    return item?.kind === 'scores' ? 'period' : item?.kind === 'kpis' ? 'kpis' : item?.kind === 'ledgerItem' ? 'ledgerIds' : 'caseIds';
  };
  const placedFields = Object.fromEntries(Object.entries(fields).map(([p, msg]) => [fieldOf(p), msg]));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      const d = await call(proposeDisclosure, { body: { title: title.value, items: items() } });
      openDisclosure(d.disclosureId);
    } catch (err) {
      failure.value = failureOf(err);
      focusSoon('propose-failure');
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="panel" aria-labelledby="propose-heading">
      <h2 id="propose-heading">{m.proposeHeading}</h2>
      {failure.value && <FailureNotice id="propose-failure" failure={{ ...failure.value, fields: placedFields }} placed={['title', 'period', 'kpis', 'caseIds', 'ledgerIds']} onReload={() => location.reload()} />}
      <form id="propose-form" noValidate onSubmit={submit}>
        <TextField id="disclosure-title" label={m.titleLabel} value={title.value} onInput={(v) => (title.value = v)} error={errorAt(placedFields, 'title')} maxLength={100} required />
        <Field id="disclosure-period" label={m.periodLabel} error={errorAt(placedFields, 'period')}>
          {(describedBy, invalid) => (
            <select id="disclosure-period" value={periodId.value} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => (periodId.value = (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{m.noPeriod}</option>
              {periods.map((p) => (
                <option key={p.periodId} value={p.periodId}>
                  {local(p.name)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="disclosure-range">
          <Field id="kpi-from" label={m.kpiFrom} error={errorAt(placedFields, 'kpis')}>
            {(describedBy, invalid) => <input id="kpi-from" type="date" value={from.value} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => (from.value = (e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <Field id="kpi-to" label={m.kpiTo}>
            {(describedBy) => <input id="kpi-to" type="date" value={to.value} aria-describedby={describedBy} onInput={(e) => (to.value = (e.currentTarget as HTMLInputElement).value)} />}
          </Field>
        </div>
        <Field id="case-ids" label={m.caseIdsLabel} hint={m.caseIdsHint} error={errorAt(placedFields, 'caseIds')}>
          {(describedBy, invalid) => <textarea id="case-ids" rows={3} value={caseIds.value} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => (caseIds.value = (e.currentTarget as HTMLTextAreaElement).value)} />}
        </Field>
        <Field id="ledger-ids" label={m.ledgerIdsLabel} hint={m.ledgerIdsHint} error={errorAt(placedFields, 'ledgerIds')}>
          {(describedBy, invalid) => <textarea id="ledger-ids" rows={3} value={ledgerIds.value} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => (ledgerIds.value = (e.currentTarget as HTMLTextAreaElement).value)} />}
        </Field>
        <button type="submit" class="primary" id="propose-submit" disabled={busy.value}>
          {busy.value ? m.proposing : m.propose}
        </button>
      </form>
    </section>
  );
}

function List() {
  const m = messages(disclosureStaff);
  const list = useSignal<DisclosureList | undefined>(undefined);
  const periods = useSignal<PeriodWithForms[]>([]);
  const failure = useSignal<Failure | undefined>(undefined);
  useEffect(() => {
    Promise.all([call(listDisclosures, {}), call(listPeriods, {})]).then(
      ([l, p]) => {
        list.value = l;
        periods.value = p.periods;
      },
      (err: unknown) => (failure.value = failureOf(err)),
    );
  }, []);
  return (
    <>
      <Propose periods={periods.value} />
      <section class="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">{m.listHeading}</h2>
        {failure.value ? (
          <Notice kind="error">{failure.value.message}</Notice>
        ) : !list.value ? (
          <Loading />
        ) : list.value.disclosures.length === 0 ? (
          <p class="muted">{m.none}</p>
        ) : (
          <ul class="card-list" id="disclosure-list">
            {list.value.disclosures.map((d) => (
              <li key={d.disclosureId} class="card" data-state={d.state}>
                <p class="card-title">
                  <a href={`?id=${d.disclosureId}`} aria-label={m.open({ title: d.title })}>
                    {d.title}
                  </a>{' '}
                  <span class={`badge ${STATE_BADGE[d.state]}`}>{local(DISCLOSURE_STATE_LABELS[d.state])}</span>
                </p>
                <p class="muted small">
                  {m.colItems} {d.items} · {m.colProposed} {formatDateTime(d.proposedAt)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** What redaction masked in a text, by kind: "手机号 1、姓名 1". */
function Findings({ text, id }: { text: RedactedText; id: string }) {
  const m = messages(disclosureStaff);
  const counts = new Map<string, number>();
  for (const f of text.findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const list = [...counts].map(([kind, n]) => `${local(REDACTION_KIND_LABELS[kind as keyof typeof REDACTION_KIND_LABELS])} ${n}`).join('、');
  return (
    <p id={id} class={`small ${text.findings.length > 0 ? 'disclosure-masked' : 'muted'}`}>
      {text.findings.length > 0 ? m.findings({ list }) : m.noFindings}
    </p>
  );
}

function textLabel(path: string, m: ReturnType<typeof messages<(typeof disclosureStaff)['zh-CN']>>): string {
  const step = /^progress\.(\d+)\.note$/.exec(path);
  if (step) return m.progressNote({ n: Number(step[1]) + 1 });
  return { description: m.description, reply: m.reply, problem: m.problem, measures: m.measures }[path] ?? path;
}

function ItemSummary({ item }: { item: DisclosureItem }) {
  const m = messages(disclosureStaff);
  const c = item.content;
  switch (c.kind) {
    case 'scores':
      return <p class="card-title">{m.scoresSummary({ period: local(c.periodName), units: c.units.length, day: c.day })}</p>;
    case 'kpis':
      return <p class="card-title">{m.kpisSummary({ from: c.report.from, to: c.report.to })}</p>;
    case 'case':
    case 'ledgerItem':
      return <p class="card-title">{c.unit ? local(c.unit.name) : ''}</p>;
  }
}

function Detail({ id }: { id: string }) {
  const m = messages(disclosureStaff);
  const detail = useSignal<DisclosureDetail | undefined>(undefined);
  const drafts = useSignal<Record<string, string>>({});
  const reason = useSignal('');
  const failure = useSignal<Failure | undefined>(undefined);
  const notice = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);

  const load = async (say?: string) => {
    detail.value = await call(getDisclosure, { params: { disclosureId: id } });
    drafts.value = {};
    notice.value = say;
  };
  useEffect(() => {
    load().catch((err: unknown) => (failure.value = failureOf(err)));
  }, [id]);

  const act = async (work: (d: Disclosure) => Promise<unknown>, done: string) => {
    if (busy.value || !detail.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      await work(detail.value.disclosure);
      await load(done);
      focusSoon('disclosure-notice');
    } catch (err) {
      if (isConflict(err, CONFLICT.staleRevision) || isConflict(err, CONFLICT.disclosureState)) {
        await load(m.stale);
        focusSoon('disclosure-notice');
      } else {
        failure.value = failureOf(err);
        focusSoon('disclosure-failure');
      }
    } finally {
      busy.value = false;
    }
  };

  if (failure.value && !detail.value) return <Notice kind="error">{failure.value.message}</Notice>;
  if (!detail.value) return <Loading />;
  const d = detail.value.disclosure;
  const draft = d.state === 'DRAFT';
  const edits = Object.entries(drafts.value).map(([key, text]) => {
    const [itemId, ...path] = key.split('/');
    return { itemId: itemId!, path: path.join('/'), text };
  });

  return (
    <section class="panel" aria-labelledby="detail-heading">
      <p>
        <a href="disclosures.html">{m.back}</a>
      </p>
      <h2 id="detail-heading">{m.detailHeading({ title: d.title })}</h2>
      <p class="small">
        <span class={`badge ${STATE_BADGE[d.state]}`} id="disclosure-state" data-state={d.state}>
          {local(DISCLOSURE_STATE_LABELS[d.state])}
        </span>{' '}
        {m.rev({ rev: d.rev })}
        {d.approval && <> · {m.approvedBy({ by: d.approval.by, at: formatDateTime(d.approval.at), rev: d.approval.rev })}</>}
      </p>
      {notice.value && (
        <Notice kind="success" id="disclosure-notice">
          {notice.value}
        </Notice>
      )}
      {failure.value && <FailureNotice id="disclosure-failure" failure={failure.value} placed={[]} onReload={() => void load()} />}
      <ol class="card-list" id="disclosure-items">
        {d.items.map((item) => (
          <li key={item.itemId} class="card" data-item={item.itemId} data-kind={item.content.kind}>
            <ItemSummary item={item} />
            {Object.entries(editableTexts(item.content)).map(([path, text]) => {
              const key = `${item.itemId}/${path}`;
              const fieldId = `text-${item.itemId}-${path.replace(/\./g, '-')}`;
              return draft ? (
                <Field key={key} id={fieldId} label={textLabel(path, m)} hint={undefined}>
                  {(describedBy) => (
                    <>
                      <textarea
                        id={fieldId}
                        rows={3}
                        maxLength={2000}
                        value={drafts.value[key] ?? text.text}
                        aria-describedby={`${describedBy} ${fieldId}-found`}
                        onInput={(e) => (drafts.value = { ...drafts.value, [key]: (e.currentTarget as HTMLTextAreaElement).value })}
                      />
                      <Findings text={text} id={`${fieldId}-found`} />
                    </>
                  )}
                </Field>
              ) : (
                <div key={key}>
                  <p class="sub-label">{textLabel(path, m)}</p>
                  <p class="case-text">{text.text}</p>
                  <Findings text={text} id={`${fieldId}-found`} />
                </div>
              );
            })}
          </li>
        ))}
      </ol>
      {draft && (
        <div class="actions">
          <button type="button" class="secondary" id="save-edits" disabled={busy.value || edits.length === 0} onClick={() => act((x) => call(editDisclosure, { params: { disclosureId: id }, body: { rev: x.rev, edits } }), m.saved)}>
            {busy.value ? m.saving : m.save}
          </button>
          <button type="button" class="primary" id="approve" disabled={busy.value || edits.length > 0} onClick={() => act((x) => call(approveDisclosure, { params: { disclosureId: id }, body: { rev: x.rev } }), m.approved)}>
            {busy.value ? m.approving : m.approve}
          </button>
        </div>
      )}
      {d.state === 'PUBLISHED' && (
        <>
          <p>
            <a href="disclosure.html" id="view-public">
              {m.viewPublic}
            </a>
          </p>
          <form
            id="withdraw-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void act((x) => call(withdrawDisclosure, { params: { disclosureId: id }, body: { rev: x.rev, reason: reason.value } }), m.withdrawn);
            }}
          >
            <TextField id="withdraw-reason" label={m.withdrawReason} value={reason.value} onInput={(v) => (reason.value = v)} error={errorAt(failure.value?.fields ?? {}, 'reason')} maxLength={500} />
            <button type="submit" class="secondary" id="withdraw" disabled={busy.value}>
              {m.withdraw}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

function DisclosuresPage() {
  const m = messages(disclosureStaff);
  const id = useSignal(new URLSearchParams(location.search).get('id') ?? undefined);
  useEffect(() => {
    const onPop = () => (id.value = new URLSearchParams(location.search).get('id') ?? undefined);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return (
    <>
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      {id.value ? <Detail id={id.value} /> : <List />}
    </>
  );
}

function Root() {
  return (
    <StaffShell roles={approveDisclosure.access} title={messages(disclosureStaff).title}>
      <DisclosuresPage />
    </StaffShell>
  );
}

mount(<Root />);
