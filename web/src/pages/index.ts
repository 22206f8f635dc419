import * as z from 'zod';
import { ZFormSummary, type FormSummary } from '../../../functions/domain/catalog';
import { callJson } from '../api';
import { h } from '../dom';
import { local, t } from '../i18n';
import { notice, startPage } from '../shell';
import { stateLabel } from '../labels';


let forms: FormSummary[] | undefined;
let failed = false;

const page = startPage({
  title: () => t().appTagline,
  render(main) {
    const m = t();
    const body: Node[] = [h('h1', {}, m.appTagline)];
    if (failed) body.push(notice('error', m.errServer));
    else if (!forms) body.push(h('p', { class: 'muted', role: 'status' }, m.loading));
    else {
      body.push(h('h2', {}, m.formsHeading));
      if (forms.length === 0) body.push(h('p', {}, m.noForms));
      else
        body.push(
          h(
            'ul',
            { class: 'card-list' },
            forms.map((f) =>
              h(
                'li',
                {},
                h(
                  'a',
                  { class: 'card', href: `rate.html?form=${encodeURIComponent(f.formId)}`, 'data-form-id': f.formId },
                  h('span', { class: 'card-title' }, local(f.title)),
                  h('span', { class: `badge badge-${f.state}` }, stateLabel(f.state)),
                  f.state === 'open' && h('span', { class: 'card-action', 'aria-hidden': 'true' }, `${m.rateThis} →`),
                ),
              ),
            ),
          ),
        );
    }
    body.push(h('p', { class: 'footer-link' }, h('a', { href: 'supervisor.html' }, m.supervisorLink)));
    main.replaceChildren(...body);
  },
});

callJson('listForms', z.object({ forms: z.array(ZFormSummary) })).then(
  (res) => {
    // Open forms first: that is what a citizen came for.
    forms = [...res.forms].sort((a, b) => Number(b.state === 'open') - Number(a.state === 'open'));
    page.rerender();
  },
  (err: unknown) => {
    console.error(err);
    failed = true;
    page.rerender();
  },
);
