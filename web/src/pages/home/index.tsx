import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { FormSummary } from '../../../../functions/domain/evaluation/published-form';
import { listForms } from '../../../../functions/routes/evaluation';
import type { Role } from '../../../../functions/routes/route';
import { call } from '../../app/api';
import { Frame, Loading, Notice, mount } from '../../app/components/frame';
import { local, messages } from '../../app/i18n';
import { stateLabel } from '../../app/labels';
import { common } from '../../messages/common';
import { evaluation } from '../../messages/evaluation';
import { home } from '../../messages/home';

/** Where each staff role works; each page signs its staff in and says so if the role may not use it. */
const STAFF_LINKS = [
  { role: 'supervisor', pages: ['supervisor'] },
  { role: 'admin', pages: ['admin-periods', 'admin-forms', 'admin-invitations', 'admin-units', 'supervisor'] },
  { role: 'unitHandler', pages: ['appeals'] },
] as const satisfies readonly { role: Role; pages: readonly (keyof (typeof home)['zh-CN']['staffPages'])[] }[];

/** The citizens' home page: the published forms, open ones first, and below them where staff sign in. */
function Home() {
  const c = messages(common);
  const m = messages(evaluation);
  const h = messages(home);
  const forms = useSignal<FormSummary[] | undefined>(undefined);
  const failed = useSignal(false);
  useEffect(() => {
    call(listForms, {}).then(
      (res) => (forms.value = res.forms),
      (err: unknown) => {
        console.error(err);
        failed.value = true;
      },
    );
  }, []);
  return (
    <Frame title={c.appTagline}>
      <h1>{c.appTagline}</h1>
      {failed.value ? (
        <Notice kind="error">{c.errServer}</Notice>
      ) : !forms.value ? (
        <Loading />
      ) : (
        <>
          <h2>{m.formsHeading}</h2>
          {forms.value.length === 0 ? (
            <p>{m.noForms}</p>
          ) : (
            <ul class="card-list">
              {forms.value.map((f) => (
                <li key={f.formId}>
                  <a class="card" href={`rate.html?form=${encodeURIComponent(f.formId)}`} data-form-id={f.formId}>
                    <span class="card-title">{local(f.title)}</span>
                    <span class="muted small">{local(f.periodName)}</span>
                    <span class={`badge badge-${f.state}`}>{stateLabel(f.state)}</span>
                    {f.admission !== 'open' && <span class="muted small">{h.linksOnly}</span>}
                    {f.state === 'open' && (
                      <span class="card-action" aria-hidden="true">
                        {m.rateThis} →
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <section class="home-cases" aria-labelledby="cases-heading">
        <h2 id="cases-heading">{h.casesHeading}</h2>
        <ul class="card-list">
          <li>
            <a class="card" href="complain.html" id="complain-link">
              <span class="card-title">{h.complainLink}</span>
              <span class="muted small">{h.complainNote}</span>
            </a>
          </li>
          <li>
            <a class="card" href="track.html" id="track-link">
              <span class="card-title">{h.trackLink}</span>
              <span class="muted small">{h.trackNote}</span>
            </a>
          </li>
          <li>
            <a class="card" href="disclosure.html" id="disclosure-link">
              <span class="card-title">{h.disclosureLink}</span>
              <span class="muted small">{h.disclosureNote}</span>
            </a>
          </li>
        </ul>
      </section>
      <nav class="footer-link staff-links" aria-labelledby="staff-heading">
        <h2 id="staff-heading">{m.staffLink}</h2>
        <ul>
          {STAFF_LINKS.map(({ role, pages }) => (
            <li key={role} data-role={role}>
              <span class="muted">{h.staffRoles[role]}：</span>
              {pages.map((page, i) => (
                <span key={page}>
                  {i > 0 && h.listSeparator}
                  <a href={`${page}.html`}>{h.staffPages[page]}</a>
                </span>
              ))}
            </li>
          ))}
        </ul>
      </nav>
    </Frame>
  );
}

mount(<Home />);
