import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { FormSummary } from '../../../../functions/domain/evaluation/published-form';
import { listForms } from '../../../../functions/routes/evaluation';
import { call } from '../../app/api';
import { Frame, Loading, Notice, mount } from '../../app/components/frame';
import { local, messages } from '../../app/i18n';
import { stateLabel } from '../../app/labels';
import { common } from '../../messages/common';
import { evaluation } from '../../messages/evaluation';

/** The citizens' home page: the published forms, open ones first. */
function Home() {
  const c = messages(common);
  const m = messages(evaluation);
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
      <p class="footer-link">
        <a href="supervisor.html">{m.staffLink}</a>
      </p>
    </Frame>
  );
}

mount(<Home />);
