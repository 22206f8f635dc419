import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { NARRATIVE_MAX, type Briefing, type BriefingKind, type BriefingNarrative, type BriefingSummary } from '../../../../functions/domain/briefings/briefing';
import { BRIEFING_TEXT } from '../../../../functions/domain/briefings/messages';
import { listBriefings, draftBriefing, getBriefing, saveBriefingNarrative, publishBriefing, downloadBriefingDocx } from '../../../../functions/routes/briefings';
import { ApiError, call, download } from '../../app/api';
import { FailureNotice, Field, failureOf, focusSoon, type Failure } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { saveFile } from '../../app/files';
import { formatDateTime } from '../../app/format';
import { lang, local, messages } from '../../app/i18n';
import { briefingsStaff } from '../../messages/briefings';
import { BriefingView } from './briefing-view';

/**
 * The briefings page (简报, briefings.html), for supervisors: the list of weekly briefings and monthly
 * reports with "draft now"; and with `?id=<briefingId>` one briefing as its printable document (the same
 * document the DOCX is written from), its download, and for a draft the narrative editor and publication.
 * Printing prints the document alone (briefings.css).
 */

const kindName = (kind: BriefingKind) => local(BRIEFING_TEXT.title[kind]);

function DraftNow({ onDrafted }: { onDrafted: (id: string) => void }) {
  const m = messages(briefingsStaff);
  const kind = useSignal<BriefingKind>('weekly');
  const day = useSignal('');
  const busy = useSignal(false);
  const failure = useSignal<Failure | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    failure.value = undefined;
    try {
      const b = await call(draftBriefing, { body: { kind: kind.value, ...(day.value ? { day: day.value } : {}) } });
      onDrafted(b.briefingId);
    } catch (err) {
      failure.value = failureOf(err);
      focusSoon('draft-error');
    } finally {
      busy.value = false;
    }
  };
  const fields = failure.value?.fields ?? {};
  return (
    <form class="panel" id="draft-now" noValidate onSubmit={(e) => void submit(e)}>
      <h2>{m.draftLegend}</h2>
      {failure.value && <FailureNotice id="draft-error" failure={failure.value} placed={['kind', 'day']} onReload={() => location.reload()} />}
      <div class="bar">
        <Field id="draft-kind" label={m.kindLabel} error={fields.kind}>
          {(describedBy, invalid) => (
            <select id="draft-kind" value={kind.value} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => (kind.value = (e.currentTarget as HTMLSelectElement).value as BriefingKind)}>
              <option value="weekly">{m.kindWeekly}</option>
              <option value="monthly">{m.kindMonthly}</option>
            </select>
          )}
        </Field>
        <Field id="draft-day" label={m.dayLabel} hint={m.dayHint} error={fields.day}>
          {(describedBy, invalid) => (
            <input id="draft-day" type="date" value={day.value} aria-describedby={describedBy} aria-invalid={invalid} onInput={(e) => (day.value = (e.currentTarget as HTMLInputElement).value)} />
          )}
        </Field>
      </div>
      <button type="submit" class="primary" disabled={busy.value}>
        {busy.value ? m.drafting : m.draftNow}
      </button>
    </form>
  );
}

function BriefingList() {
  const m = messages(briefingsStaff);
  const list = useSignal<BriefingSummary[] | undefined>(undefined);
  const failure = useSignal<Failure | undefined>(undefined);
  const load = async () => {
    try {
      list.value = (await call(listBriefings, {})).briefings;
    } catch (err) {
      failure.value = failureOf(err);
    }
  };
  useEffect(() => void load(), []);
  return (
    <>
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      <DraftNow onDrafted={(id) => (location.href = `briefings.html?id=${encodeURIComponent(id)}`)} />
      <section class="panel" aria-labelledby="list-heading">
        <h2 id="list-heading">{m.listHeading}</h2>
        {failure.value && <Notice kind="error">{failure.value.message}</Notice>}
        {!list.value && !failure.value && <Loading />}
        {list.value?.length === 0 && <p class="muted">{m.none}</p>}
        {list.value && list.value.length > 0 && (
          <div class="table-scroll" role="region" aria-labelledby="list-heading" tabIndex={0}>
            <table id="briefing-list">
              <thead>
                <tr>
                  <th scope="col">{m.colKind}</th>
                  <th scope="col">{m.colWindow}</th>
                  <th scope="col">{m.colState}</th>
                  <th scope="col">{m.colNumber}</th>
                  <th scope="col">{m.colAsOf}</th>
                </tr>
              </thead>
              <tbody>
                {list.value.map((b) => (
                  <tr key={b.briefingId} data-briefing={b.briefingId}>
                    <td>
                      <a href={`briefings.html?id=${encodeURIComponent(b.briefingId)}`} aria-label={m.open({ name: `${kindName(b.kind)} ${b.from} – ${b.to}` })}>
                        {kindName(b.kind)}
                      </a>
                    </td>
                    <td>
                      {b.from} – {b.to}
                    </td>
                    <td>{b.state === 'published' ? m.statePublished : m.stateDraft}</td>
                    <td>{b.number ?? '—'}</td>
                    <td>{formatDateTime(b.asOf)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function NarrativeEditor({ briefing, onSaved }: { briefing: Briefing; onSaved: (b: Briefing) => void }) {
  const m = messages(briefingsStaff);
  const text = useSignal<BriefingNarrative>(briefing.narrative);
  const busy = useSignal(false);
  const failure = useSignal<Failure | undefined>(undefined);
  const saved = useSignal(false);
  const keys = ['typicalExperience', 'problemsFound', 'nextSteps'] as const;
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    failure.value = undefined;
    saved.value = false;
    try {
      onSaved(await call(saveBriefingNarrative, { params: { briefingId: briefing.briefingId }, body: { ...text.value, rev: briefing.rev } }));
      saved.value = true;
    } catch (err) {
      failure.value = failureOf(err);
      focusSoon('narrative-error');
    } finally {
      busy.value = false;
    }
  };
  const fields = failure.value?.fields ?? {};
  return (
    <form class="panel no-print" id="narrative" noValidate onSubmit={(e) => void submit(e)}>
      <h2>{m.narrativeHeading}</h2>
      <p class="muted small">{m.narrativeIntro}</p>
      {failure.value && <FailureNotice id="narrative-error" failure={failure.value} placed={[...keys]} onReload={() => location.reload()} />}
      {saved.value && <Notice kind="success">{m.narrativeSaved}</Notice>}
      {keys.map((key) => (
        <Field key={key} id={`narrative-${key}`} label={m[key]} error={fields[key]}>
          {(describedBy, invalid) => (
            <textarea
              id={`narrative-${key}`}
              rows={5}
              maxLength={NARRATIVE_MAX}
              value={text.value[key]}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onInput={(e) => (text.value = { ...text.value, [key]: (e.currentTarget as HTMLTextAreaElement).value })}
            />
          )}
        </Field>
      ))}
      <button type="submit" class="secondary" disabled={busy.value}>
        {m.saveNarrative}
      </button>
    </form>
  );
}

function Publish({ briefing, onPublished }: { briefing: Briefing; onPublished: (b: Briefing) => void }) {
  const m = messages(briefingsStaff);
  const confirmed = useSignal(false);
  const busy = useSignal(false);
  const failure = useSignal<Failure | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirmed.value) {
      failure.value = { message: m.errConfirm, fields: { confirm: m.errConfirm } };
      focusSoon('publish-confirm');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    try {
      onPublished(await call(publishBriefing, { params: { briefingId: briefing.briefingId }, body: { rev: briefing.rev } }));
    } catch (err) {
      failure.value = failureOf(err);
      focusSoon('publish-error');
    } finally {
      busy.value = false;
    }
  };
  return (
    <form class="panel no-print" id="publish" noValidate onSubmit={(e) => void submit(e)}>
      <h2>{m.publishHeading}</h2>
      <p class="muted small">{m.publishIntro}</p>
      {failure.value && <FailureNotice id="publish-error" failure={failure.value} placed={['confirm']} onReload={() => location.reload()} />}
      <div class="field">
        <label class="check">
          <input
            id="publish-confirm"
            type="checkbox"
            checked={confirmed.value}
            aria-describedby="publish-confirm-error"
            aria-invalid={Boolean(failure.value?.fields.confirm)}
            onChange={(e) => (confirmed.value = (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {m.publishConfirm}
        </label>
        <p id="publish-confirm-error" class="field-error" hidden={!failure.value?.fields.confirm}>
          {failure.value?.fields.confirm ?? ''}
        </p>
      </div>
      <button type="submit" class="primary" disabled={busy.value}>
        {busy.value ? m.publishing : m.publish}
      </button>
    </form>
  );
}

function BriefingPage({ briefingId }: { briefingId: string }) {
  const m = messages(briefingsStaff);
  const briefing = useSignal<Briefing | undefined>(undefined);
  const failure = useSignal<string | undefined>(undefined);
  const status = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);
  useEffect(() => {
    call(getBriefing, { params: { briefingId } }).then(
      (b) => (briefing.value = b),
      (err: unknown) => (failure.value = err instanceof ApiError && err.status === 404 ? m.notFound : failureOf(err).message),
    );
  }, [briefingId]);

  const onDownload = async () => {
    status.value = undefined;
    try {
      const { blob, filename } = await download(downloadBriefingDocx, { params: { briefingId } }, `${briefingId}.docx`);
      saveFile(blob, filename);
      status.value = { kind: 'success', text: m.downloaded({ name: filename }) };
    } catch (err) {
      status.value = { kind: 'error', text: failureOf(err).message };
    }
  };

  const b = briefing.value;
  return (
    <>
      <p class="no-print">
        <a href="briefings.html">{m.back}</a>
      </p>
      {failure.value && (
        <>
          <h1>{m.title}</h1>
          <Notice kind="error">{failure.value}</Notice>
        </>
      )}
      {!b && !failure.value && <Loading />}
      {b && (
        <>
          <div class="bar no-print" id="briefing-tools">
            <button type="button" class="secondary" id="download-docx" onClick={() => void onDownload()}>
              {m.downloadDocx}
            </button>
            <button type="button" class="secondary" id="print" onClick={() => window.print()}>
              {m.print}
            </button>
          </div>
          {status.value && <Notice kind={status.value.kind}>{status.value.text}</Notice>}
          {b.state === 'published' && b.number !== undefined && <Notice kind="info">{m.published({ number: b.number })}</Notice>}
          <BriefingView briefing={b} lang={lang.value} label={m.documentLabel} />
          {b.state === 'draft' && (
            <>
              <NarrativeEditor key={`${b.briefingId}-${b.rev}`} briefing={b} onSaved={(next) => (briefing.value = next)} />
              <Publish briefing={b} onPublished={(next) => (briefing.value = next)} />
            </>
          )}
        </>
      )}
    </>
  );
}

function Page() {
  const m = messages(briefingsStaff);
  const id = new URLSearchParams(location.search).get('id');
  return <StaffShell roles={['supervisor', 'admin']} title={m.title}>{id ? <BriefingPage briefingId={id} /> : <BriefingList />}</StaffShell>;
}

mount(<Page />);
