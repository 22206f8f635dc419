import { useSignal } from '@preact/signals';
import type { ChainReport } from '../../../../functions/domain/audit/verify';
import { verifyAuditChain } from '../../../../functions/routes/audit';
import { call } from '../../app/api';
import { failureOf, focusSoon } from '../../app/components/fields';
import { Notice, mount } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime } from '../../app/format';
import { messages } from '../../app/i18n';
import { adminAudit } from '../../messages/admin-audit';
import { continuedReport } from './audit-report';

/**
 * The admin's audit page (审计链核验): one button re-derives the tamper-evident audit chain through
 * `POST /admin/audit/verify`, and the answer is shown as `npm run audit -- verify` prints it — intact, the
 * first broken link with what to do about it, or incomplete (API Gateway's time ran out) with a button that
 * goes on after the last record verified and shows the two runs as one range.
 */

/** The head, the time and the status line every answer has. */
function Facts({ report }: { report: ChainReport }) {
  const m = messages(adminAudit);
  return (
    <dl id="audit-facts">
      <dt>{m.headLabel}</dt>
      <dd id="audit-head">{report.head ? m.head({ seq: report.head.seq }) : m.noHead}</dd>
      {report.head && (
        <>
          <dt>{m.hashLabel}</dt>
          <dd id="audit-head-hash" translate={false}>
            {report.head.hash}
          </dd>
        </>
      )}
      <dt>{m.verifiedAtLabel}</dt>
      <dd id="audit-verified-at">{formatDateTime(report.verifiedAt)}</dd>
    </dl>
  );
}

/** The first broken link: the record, what is wrong, the item, what still holds and the advice. */
function Break({ report }: { report: ChainReport }) {
  const m = messages(adminAudit);
  const broken = report.firstBreak!;
  return (
    <>
      <Notice kind="error" id="audit-status">
        <p>{m.broken({ seq: broken.seq })}</p>
        <dl id="audit-break" data-seq={broken.seq} data-kind={broken.kind}>
          <dt>{m.brokenKind}</dt>
          <dd id="audit-break-kind">
            {m.kind[broken.kind]} ({broken.kind})
          </dd>
          <dt>{m.brokenDetail}</dt>
          <dd id="audit-break-detail" lang="en">
            {broken.detail}
          </dd>
          {broken.source && (
            <>
              <dt>{m.brokenItem}</dt>
              <dd id="audit-break-item" translate={false}>
                {m.item(broken.source)}
              </dd>
            </>
          )}
        </dl>
        <p id="audit-intact-before">{m.intactBefore({ from: report.from, through: report.verifiedThrough })}</p>
        <p id="audit-advice">
          <strong>{m.advice}</strong>
        </p>
      </Notice>
      <Facts report={report} />
    </>
  );
}

function Result({ report, busy, onGoOn }: { report: ChainReport; busy: boolean; onGoOn: (after: number) => void }) {
  const m = messages(adminAudit);
  const range = { records: report.records, from: report.from, through: report.verifiedThrough };
  return (
    <section
      id="audit-result"
      class="panel"
      data-status={report.status}
      data-from={report.from}
      data-through={report.verifiedThrough}
      data-records={report.records}
      aria-labelledby="audit-result-heading"
    >
      <h2 id="audit-result-heading">{m.resultHeading}</h2>
      {report.status === 'broken' ? (
        <Break report={report} />
      ) : (
        <>
          <Notice kind={report.status === 'intact' ? 'success' : 'info'} id="audit-status">
            <p>{report.status === 'intact' ? m.intact(range) : m.incomplete(range)}</p>
          </Notice>
          <Facts report={report} />
          {report.status === 'incomplete' && (
            <div class="actions">
              <button type="button" id="audit-go-on" class="primary" disabled={busy} onClick={() => onGoOn(report.verifiedThrough)}>
                {busy ? m.verifying : m.goOn({ after: report.verifiedThrough })}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function AuditVerification() {
  const m = messages(adminAudit);
  const report = useSignal<ChainReport | undefined>(undefined);
  const failure = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);
  // What a failed call would ask again: from the start, or after the record an incomplete answer reached.
  const lastAfter = useSignal<number | undefined>(undefined);

  const run = async (after?: number) => {
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    lastAfter.value = after;
    const earlier = report.value;
    if (after === undefined) report.value = undefined;
    try {
      const answer = await call(verifyAuditChain, { query: after === undefined ? {} : { after: String(after) } });
      report.value = after !== undefined && earlier ? continuedReport(earlier, answer) : answer;
      focusSoon('audit-status');
    } catch (err) {
      failure.value = failureOf(err).message;
      focusSoon('audit-failure');
    } finally {
      busy.value = false;
    }
  };

  return (
    <>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      <div class="actions">
        <button type="button" id="audit-verify" class="primary" disabled={busy.value} onClick={() => void run()}>
          {busy.value && lastAfter.value === undefined ? m.verifying : m.verify}
        </button>
      </div>
      {busy.value && (
        <p class="muted" role="status" id="audit-busy">
          {m.verifying}
        </p>
      )}
      {failure.value && <LoadFailed id="audit-failure" message={failure.value} onRetry={() => void run(lastAfter.value)} />}
      {report.value && <Result report={report.value} busy={busy.value} onGoOn={(after) => void run(after)} />}
    </>
  );
}

function AuditPage() {
  return (
    <StaffShell roles={verifyAuditChain.access} title={messages(adminAudit).title}>
      <AuditVerification />
    </StaffShell>
  );
}

mount(<AuditPage />);
