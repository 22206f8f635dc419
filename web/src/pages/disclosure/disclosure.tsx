import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CASE_KIND_LABELS, CASE_KPI_LABELS } from '../../../../functions/domain/cases/messages';
import type { PublicDocument, PublicIndex, PublicItem } from '../../../../functions/domain/disclosure/public-document';
import { PUBLIC_INDEX_FILE, PUBLIC_URL_PREFIX } from '../../../../functions/domain/disclosure/public-paths';
import { LEDGER_STATE_LABELS } from '../../../../functions/domain/ledger/messages';
import { Frame, Loading, Notice, mount } from '../../app/components/frame';
import { ScrollTable } from '../../app/components/scroll-table';
import { formatDate, formatDateTime, formatPercent, formatScore } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { disclosurePublic } from '../../messages/disclosure';
import { formatCstDay } from '../cases/case-views';

/**
 * The public disclosure page (公示, disclosure.html), no sign-in: what supervisors approved — per-unit scores
 * with N, the 95% interval and rank, case KPIs with numerator and denominator, rectification items with their
 * progress, closed cases with the reply — read from the static files under /public/ (CloudFront-cached; the
 * index briefly, each publication for good). Every text in them was redacted before approval.
 */

/** The most publications the page shows, newest first. */
const SHOWN = 10;

type Of<K extends PublicItem['kind']> = Extract<PublicItem, { kind: K }>;

async function readJson<T>(path: string): Promise<T> {
  const res = await fetch(`.${PUBLIC_URL_PREFIX}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

function Scores({ item, id }: { item: Of<'scores'>; id: string }) {
  const m = messages(disclosurePublic);
  const heading = m.scoresHeading({ period: local(item.periodName) });
  return (
    <section class="disclosure-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{heading}</h3>
      <p class="muted small">{m.scoresAsOf({ at: formatDateTime(item.computedAt) })}</p>
      <p class="muted small scroll-hint">{m.scrollHint}</p>
      <ScrollTable class="disclosure-scores" caption={heading}>
        <thead>
          <tr>
            <th scope="col">{m.colUnit}</th>
            <th scope="col" class="num">
              {m.colRank}
            </th>
            <th scope="col" class="num">
              {m.colScore}
            </th>
            <th scope="col" class="num">
              {m.colRate}
            </th>
            <th scope="col" class="num">
              {m.colN}
            </th>
          </tr>
        </thead>
        <tbody>
          {item.units.map((u) => (
            <tr key={u.unitId} class={u.rank === null ? 'insufficient' : undefined} data-unit={u.unitId}>
              <th scope="row">{local(item.unitNames[u.unitId] ?? { 'zh-CN': u.unitId, en: u.unitId })}</th>
              <td class="num">{u.rank ?? m.unranked}</td>
              <td class="num">{u.compositeScore === null ? m.noFigure : formatScore(u.compositeScore)}</td>
              <td class="num">
                {u.satisfactionRate === null ? m.noFigure : formatPercent(u.satisfactionRate)}
                {u.satisfactionInterval && (
                  <span class="interval">
                    {formatPercent(u.satisfactionInterval.low)}–{formatPercent(u.satisfactionInterval.high)}
                  </span>
                )}
              </td>
              <td class="num">{u.n}</td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      <p class="muted small">{m.scoresNote}</p>
      {item.commitment && (
        <p class="muted small commitment">
          {m.commitment(item.commitment)} <a href="counted.html">{m.checkMine}</a>
        </p>
      )}
    </section>
  );
}

function Kpis({ item, id }: { item: Of<'kpis'>; id: string }) {
  const m = messages(disclosurePublic);
  return (
    <section class="disclosure-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{m.kpisHeading({ from: formatCstDay(item.report.from), to: formatCstDay(item.report.to) })}</h3>
      <dl class="disclosure-kpis">
        {item.report.kpis.map((k) => (
          <div key={k.key} data-kpi={k.key}>
            <dt>{local(CASE_KPI_LABELS[k.key])}</dt>
            <dd>{k.rate === null ? m.kpiNoRate(k) : m.kpiValue({ ...k, rate: formatPercent(k.rate) })}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const unitName = (unit: { name: { 'zh-CN': string; en: string } } | null, office: string) => (unit ? local(unit.name) : office);

function LedgerItem({ item }: { item: Of<'ledgerItem'> }) {
  const m = messages(disclosurePublic);
  return (
    <li class="card disclosure-item" data-case={item.caseId}>
      <p class="card-title">
        {unitName(item.unit, m.officeUnit)} · {local(item.category.name)}{' '}
        <span class={`badge ${item.state === 'PUBLISHED' || item.state === 'CLOSED' ? 'badge-open' : 'badge-warn'}`} data-state={item.state}>
          {local(LEDGER_STATE_LABELS[item.state])}
        </span>
      </p>
      <dl class="disclosure-facts">
        <dt>{m.problem}</dt>
        <dd class="case-text">{item.problem}</dd>
        {item.measures && (
          <>
            <dt>{m.measures}</dt>
            <dd class="case-text">{item.measures}</dd>
          </>
        )}
        {item.dueDate && (
          <>
            <dt>{m.dueDate}</dt>
            <dd>{formatCstDay(item.dueDate)}</dd>
          </>
        )}
        {item.closedAt && (
          <>
            <dt>{m.closedAt}</dt>
            <dd>{formatDate(item.closedAt)}</dd>
          </>
        )}
      </dl>
      {item.progress.length > 0 && (
        <>
          <p class="sub-label">{m.progress}</p>
          <ol class="case-steps">
            {item.progress.map((p, i) => (
              <li key={i}>
                <p class="muted small step-at">{formatDate(p.at)}</p>
                <p class="case-text step-note">{p.note}</p>
              </li>
            ))}
          </ol>
        </>
      )}
    </li>
  );
}

function ClosedCase({ item }: { item: Of<'case'> }) {
  const m = messages(disclosurePublic);
  return (
    <li class="card disclosure-item" data-case={item.caseId}>
      <p class="card-title">
        {unitName(item.unit, m.officeUnit)} · {local(CASE_KIND_LABELS[item.caseKind])}
      </p>
      <p class="muted small">
        {m.receivedAt} {formatDate(item.receivedAt)}
        {item.closedOnTime !== undefined && <> · {item.closedOnTime ? m.onTime : m.late}</>}
        {item.satisfied !== undefined && <> · {item.satisfied ? m.satisfied : m.notSatisfied}</>}
      </p>
      <dl class="disclosure-facts">
        <dt>{m.matter}</dt>
        <dd class="case-text">{item.description}</dd>
        <dt>{m.reply}</dt>
        <dd class="case-text disclosure-reply">{item.reply}</dd>
      </dl>
    </li>
  );
}

function Publication({ doc }: { doc: PublicDocument }) {
  const m = messages(disclosurePublic);
  const id = `pub-${doc.publicationId}`;
  const of = <K extends PublicItem['kind']>(kind: K) => doc.items.filter((i): i is Of<K> => i.kind === kind);
  const ledger = of('ledgerItem');
  const cases = of('case');
  return (
    <article class="panel disclosure" aria-labelledby={`${id}-title`} data-publication={doc.publicationId}>
      <h2 id={`${id}-title`}>{doc.title}</h2>
      <p class="muted small">{m.publishedAt({ at: formatDateTime(doc.publishedAt) })}</p>
      {of('scores').map((item, i) => (
        <Scores key={`s${i}`} item={item} id={`${id}-s${i}`} />
      ))}
      {of('kpis').map((item, i) => (
        <Kpis key={`k${i}`} item={item} id={`${id}-k${i}`} />
      ))}
      {ledger.length > 0 && (
        <section class="disclosure-section" aria-labelledby={`${id}-l`}>
          <h3 id={`${id}-l`}>{m.ledgerHeading}</h3>
          <ul class="card-list">
            {ledger.map((item) => (
              <LedgerItem key={item.caseId} item={item} />
            ))}
          </ul>
        </section>
      )}
      {cases.length > 0 && (
        <section class="disclosure-section" aria-labelledby={`${id}-c`}>
          <h3 id={`${id}-c`}>{m.casesHeading}</h3>
          <ul class="card-list">
            {cases.map((item) => (
              <ClosedCase key={item.caseId} item={item} />
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

function DisclosurePage() {
  const m = messages(disclosurePublic);
  const docs = useSignal<PublicDocument[] | undefined>(undefined);
  const failed = useSignal(false);

  useEffect(() => {
    (async () => {
      const index = await readJson<PublicIndex>(PUBLIC_INDEX_FILE).catch((error: unknown) => {
        // No index yet: nothing was ever published.
        if (error instanceof Error && / 404$/.test(error.message)) return { publications: [] } as Pick<PublicIndex, 'publications'>;
        throw error;
      });
      docs.value = await Promise.all(index.publications.slice(0, SHOWN).map((p) => readJson<PublicDocument>(p.file)));
    })().catch((error: unknown) => {
      console.error(error);
      failed.value = true;
    });
  }, []);

  return (
    <Frame title={m.title}>
      <h1>{m.title}</h1>
      <p class="muted">{m.intro}</p>
      {failed.value ? (
        <Notice kind="error">{m.loadFailed}</Notice>
      ) : !docs.value ? (
        <Loading />
      ) : docs.value.length === 0 ? (
        <p id="disclosure-empty">{m.nothingYet}</p>
      ) : (
        <div id="disclosures">
          {docs.value.map((doc) => (
            <Publication key={doc.publicationId} doc={doc} />
          ))}
        </div>
      )}
    </Frame>
  );
}

mount(<DisclosurePage />);
