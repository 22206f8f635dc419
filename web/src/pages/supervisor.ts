import * as z from 'zod';
import { ZFormSummary, type FormSummary } from '../../../functions/domain/catalog';
import { DONT_KNOW } from '../../../functions/domain/rating-scale';
import { TALLY_LEVEL_COLUMNS } from '../../../functions/domain/tally';
import { ZTallyReport, type TallyReport } from '../../../functions/domain/tally-report';
import { ApiError, NetworkError, callDownload, callJson, loadConfig } from '../api';
import { clearToken, finishCognitoSignIn, startCognitoSignIn, storeToken, storedToken, takeTokenFromFragment } from '../auth';
import type { WebConfig } from '../config';
import { h } from '../dom';
import { formatDateTime, formatPercent, local, t } from '../i18n';
import { ratingLabel, stateLabel } from '../labels';
import { notice, startPage } from '../shell';

type Row = TallyReport['rows'][number];

interface PeriodChoice {
  periodId: string;
  forms: FormSummary[];
}

let config: WebConfig | undefined;
let token = storedToken();
/** Why the supervisor sees the sign-in form or a refusal instead of the figures. */
let authProblem: 'expired' | 'forbidden' | 'signInFailed' | undefined;
let tokenFieldError: string | undefined;
let periods: PeriodChoice[] | undefined;
let selectedPeriod = new URLSearchParams(location.search).get('period') ?? '';
let report: TallyReport | undefined;
let loadingReport = false;
let pageError: string | undefined;
let csvStatus: { kind: 'info' | 'error' | 'success'; text: string } | undefined;
let downloading = false;

const page = startPage({ title: () => t().supervisorHeading, render });

function render(main: HTMLElement): void {
  const m = t();
  const body: (Node | false | undefined)[] = [h('h1', {}, m.supervisorHeading)];
  if (!config) {
    body.push(pageError ? notice('error', pageError) : h('p', { class: 'muted', role: 'status' }, m.loading));
  } else if (!token) {
    body.push(signInView(config));
  } else if (authProblem === 'forbidden') {
    body.push(notice('error', m.err403), h('p', {}, signOutButton()));
  } else {
    body.push(toolbar(), pageError ? notice('error', pageError) : undefined, reportView());
  }
  main.replaceChildren(...body.filter((n): n is Node => Boolean(n)));
}

function signInView(cfg: WebConfig): HTMLElement {
  const m = t();
  const problem =
    authProblem === 'expired' ? m.err401 : authProblem === 'signInFailed' ? m.errSignInFailed : undefined;
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'sign-in-heading' },
    h('h2', { id: 'sign-in-heading' }, m.signInHeading),
    problem && notice('error', problem),
  );
  if (cfg.auth.kind === 'cognito') {
    const auth = cfg.auth;
    section.append(
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          onclick: () => {
            startCognitoSignIn(auth).catch((err: unknown) => {
              console.error(err);
              authProblem = 'signInFailed';
              page.rerender();
            });
          },
        },
        m.signInCognito,
      ),
    );
    return section;
  }
  section.append(
    h(
      'form',
      { id: 'sign-in', novalidate: true, onsubmit: onTokenSubmit },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'token' }, m.tokenLabel),
        h('input', {
          id: 'token',
          name: 'token',
          type: 'password',
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-describedby': 'token-hint token-error',
          'aria-invalid': String(Boolean(tokenFieldError)),
        }),
        h('p', { id: 'token-hint', class: 'muted small' }, m.tokenHint),
        h('p', { id: 'token-error', class: 'field-error', hidden: !tokenFieldError }, tokenFieldError ?? ''),
      ),
      h('button', { type: 'submit', class: 'primary' }, m.signIn),
    ),
  );
  return section;
}

function onTokenSubmit(event: Event): void {
  event.preventDefault();
  const value = (document.getElementById('token') as HTMLInputElement | null)?.value.trim() ?? '';
  if (!value) {
    tokenFieldError = t().errTokenEmpty;
    page.rerender();
    document.getElementById('token')?.focus();
    return;
  }
  tokenFieldError = undefined;
  storeToken(value);
  signedIn();
}

function signOutButton(): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'sign-out',
      onclick: () => {
        clearToken();
        token = undefined;
        authProblem = undefined;
        report = undefined;
        page.rerender();
      },
    },
    t().signOut,
  );
}

function periodLabel(p: PeriodChoice): string {
  const first = p.forms[0];
  return first ? `${local(first.periodName)} · ${stateLabel(first.state)}` : p.periodId;
}

function toolbar(): HTMLElement {
  const m = t();
  const picker =
    periods && periods.length > 0
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'period' }, m.periodLabel),
          h(
            'select',
            {
              id: 'period',
              onchange: (e) => {
                selectedPeriod = (e.target as HTMLSelectElement).value;
                const url = new URL(location.href);
                url.searchParams.set('period', selectedPeriod);
                history.replaceState(null, '', url);
                void loadReport();
              },
            },
            periods.map((p) => h('option', { value: p.periodId, selected: p.periodId === selectedPeriod }, periodLabel(p))),
          ),
        )
      : periods && h('p', {}, m.noPeriods);
  return h(
    'div',
    { class: 'toolbar' },
    picker,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'primary', id: 'download-csv', disabled: !selectedPeriod || downloading, onclick: downloadCsv },
        downloading ? m.downloading : m.downloadCsv,
      ),
      h('button', { type: 'button', class: 'secondary', id: 'refresh', disabled: !selectedPeriod, onclick: () => void loadReport() }, m.refresh),
      signOutButton(),
    ),
    csvStatus && notice(csvStatus.kind, csvStatus.text),
  );
}

function reportView(): HTMLElement | false {
  const m = t();
  if (!report) return loadingReport && h('p', { class: 'muted', role: 'status' }, m.loading);
  const r = report;
  const levels = levelColumns(r.rows);
  const meta = h(
    'div',
    { class: 'report-meta' },
    h('h2', {}, local(r.period.name)),
    h(
      'p',
      { id: 'last-computed', class: r.run ? 'muted' : 'notice notice-info' },
      r.run ? m.lastComputed({ at: formatDateTime(r.run.computedAt), ballots: r.run.ballots }) : m.notComputedYet,
    ),
    h('p', { class: 'muted small' }, m.minSampleNote({ min: r.period.minSample })),
  );
  const th = (text: string, attrs: Record<string, string> = {}) => h('th', { scope: 'col', ...attrs }, text);
  const table = h(
    'table',
    { id: 'tally-table' },
    h('caption', { class: 'visually-hidden' }, m.tableCaption({ period: local(r.period.name) })),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        th(m.colUnit),
        levels.map((l) => th(ratingLabel(l), { class: 'num' })),
        th(ratingLabel(DONT_KNOW), { class: 'num' }),
        h('th', { scope: 'col', class: 'num' }, h('abbr', { title: m.colNFull }, m.colN)),
        th(m.colRate, { class: 'num' }),
        th(m.colBad, { class: 'num' }),
        th(m.colScore, { class: 'num' }),
      ),
    ),
    h('tbody', {}, r.rows.map((row) => tallyRow(row, levels))),
  );
  return h(
    'section',
    { 'aria-busy': String(loadingReport) },
    meta,
    h('p', { class: 'muted small scroll-hint', 'aria-hidden': 'true' }, m.scrollHint),
    h('div', { class: 'table-scroll', role: 'region', 'aria-label': m.tableCaption({ period: local(r.period.name) }), tabindex: 0 }, table),
  );
}

/** The levels any row counts, in scale order; all five when nothing is tallied yet. */
function levelColumns(rows: Row[]): (typeof TALLY_LEVEL_COLUMNS)[number][] {
  const used = new Set(rows.flatMap((r) => Object.keys(r.tally?.counts ?? {})));
  const levels = TALLY_LEVEL_COLUMNS.filter((l) => used.has(l));
  return levels.length > 0 ? levels : [...TALLY_LEVEL_COLUMNS];
}

function tallyRow({ unit, tally }: Row, levels: readonly (typeof TALLY_LEVEL_COLUMNS)[number][]): HTMLElement {
  const m = t();
  const num = (col: string, value: Node | string | number) => h('td', { class: 'num', 'data-col': col }, value);
  const unitCell = h(
    'th',
    { scope: 'row', 'data-col': 'unit' },
    h('span', { class: 'unit-name' }, local(unit.name)),
    tally?.insufficientSample && h('span', { class: 'badge badge-warn' }, m.insufficientSample),
  );
  if (!tally) {
    return h(
      'tr',
      { 'data-unit-id': unit.unitId },
      unitCell,
      h('td', { colspan: levels.length + 5, class: 'muted' }, m.noTally),
    );
  }
  const rate =
    tally.satisfactionRate === null
      ? '—'
      : h(
          'span',
          {},
          formatPercent(tally.satisfactionRate),
          tally.satisfactionInterval &&
            h(
              'span',
              { class: 'interval' },
              `${formatPercent(tally.satisfactionInterval.low)}–${formatPercent(tally.satisfactionInterval.high)}`,
            ),
        );
  const score =
    tally.compositeScore === null
      ? '—'
      : h(
          'span',
          {},
          tally.compositeScore.toFixed(1),
          tally.weightCoverage < 1 &&
            h('span', { class: 'interval' }, m.weightCoverage({ pct: formatPercent(tally.weightCoverage) })),
        );
  return h(
    'tr',
    { 'data-unit-id': unit.unitId, class: tally.insufficientSample ? 'insufficient' : undefined },
    unitCell,
    levels.map((l) => num(l, tally.counts[l] ?? '—')),
    num(DONT_KNOW, tally.dontKnow),
    num('n', tally.n),
    num('satisfactionRate', rate),
    num('badReviews', tally.badReviews),
    num('compositeScore', score),
  );
}

/** Turns a failed staff call into what the page shows; 401 sends the supervisor back to sign-in. */
function showCallError(err: unknown, target: 'page' | 'csv'): void {
  const m = t();
  if (err instanceof ApiError && err.status === 401) {
    clearToken();
    token = undefined;
    authProblem = 'expired';
    return;
  }
  if (err instanceof ApiError && err.status === 403) {
    authProblem = 'forbidden';
    return;
  }
  if (!(err instanceof ApiError || err instanceof NetworkError)) console.error(err);
  const text =
    err instanceof ApiError && err.status < 500 ? err.message : err instanceof NetworkError ? m.errNetwork : m.errServer;
  if (target === 'csv') csvStatus = { kind: 'error', text };
  else pageError = text;
}

async function loadReport(): Promise<void> {
  if (!token || !selectedPeriod) return;
  loadingReport = true;
  pageError = undefined;
  page.rerender();
  try {
    report = await callJson('listTallies', ZTallyReport, { params: { periodId: selectedPeriod }, token });
  } catch (err) {
    report = undefined;
    showCallError(err, 'page');
  } finally {
    loadingReport = false;
  }
  page.rerender();
}

async function downloadCsv(): Promise<void> {
  if (!token || !selectedPeriod) return;
  downloading = true;
  csvStatus = undefined;
  page.rerender();
  try {
    const { blob, filename } = await callDownload('downloadTallies', `tallies-${selectedPeriod}.csv`, {
      params: { periodId: selectedPeriod },
      token,
    });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    csvStatus = { kind: 'success', text: t().downloaded({ name: filename }) };
  } catch (err) {
    showCallError(err, 'csv');
  } finally {
    downloading = false;
  }
  page.rerender();
  document.getElementById('download-csv')?.focus();
}

async function loadPeriods(): Promise<void> {
  const { forms } = await callJson('listForms', z.object({ forms: z.array(ZFormSummary) }));
  const byPeriod = new Map<string, PeriodChoice>();
  for (const f of forms) {
    const entry = byPeriod.get(f.periodId) ?? { periodId: f.periodId, forms: [] };
    entry.forms.push(f);
    byPeriod.set(f.periodId, entry);
  }
  periods = [...byPeriod.values()];
  if (!byPeriod.has(selectedPeriod)) {
    selectedPeriod = (periods.find((p) => p.forms.some((f) => f.state === 'open')) ?? periods[0])?.periodId ?? '';
  }
}

/** After any sign-in: forget the old problem, then show the periods and the selected one's figures. */
function signedIn(): void {
  token = storedToken();
  authProblem = undefined;
  void (async () => {
    try {
      if (!periods) await loadPeriods();
    } catch (err) {
      showCallError(err, 'page');
      page.rerender();
      return;
    }
    await loadReport();
  })();
}

async function boot(): Promise<void> {
  takeTokenFromFragment();
  try {
    config = await loadConfig();
  } catch (err) {
    console.error(err);
    pageError = t().errServer;
    page.rerender();
    return;
  }
  if (config.auth.kind === 'cognito') {
    try {
      await finishCognitoSignIn(config.auth);
    } catch (err) {
      console.error(err);
      authProblem = 'signInFailed';
    }
  }
  token = storedToken();
  page.rerender();
  if (token) signedIn();
  // Opening a #token= link in a tab already showing this page changes only the fragment: no reload.
  window.addEventListener('hashchange', () => {
    if (takeTokenFromFragment()) signedIn();
  });
}

void boot();
