import * as z from 'zod';
import { LANGS, type Lang } from '../../functions/domain/lang';
import { byId, h } from './dom';
import { LANG_NAMES, currentLang, setLang, t } from './i18n';

// The pages' CSP forbids eval, so zod must never try its `new Function` fast path here.
z.config({ jitless: true });

export interface Page {
  /** The document title in the current language. */
  title(): string;
  /** Fills `main` from the page's state; called again whenever the language changes. */
  render(main: HTMLElement): void;
}

function renderHeader(page: Page, main: HTMLElement): void {
  const lang = currentLang();
  const choose = (next: Lang) => () => {
    if (next === currentLang()) return;
    setLang(next);
    renderAll(page, main);
    // Re-rendering replaced the button; keep keyboard and screen-reader users where they were.
    document.querySelector<HTMLButtonElement>(`.lang-switch button[lang="${next}"]`)?.focus();
  };
  byId('app-header').replaceChildren(
    h('a', { class: 'skip-link', href: '#main' }, t().skipToMain),
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: './' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '评'), t().appName),
      h(
        'div',
        { class: 'lang-switch', role: 'group', 'aria-label': t().langSwitchLabel },
        LANGS.map((l) =>
          h('button', { type: 'button', lang: l, 'aria-pressed': String(l === lang), onclick: choose(l) }, LANG_NAMES[l]),
        ),
      ),
    ),
  );
}

function renderAll(page: Page, main: HTMLElement): void {
  document.documentElement.lang = currentLang();
  document.title = `${page.title()} · ${t().appName}`;
  renderHeader(page, main);
  page.render(main);
}

/** Shows a page: header with the language switch, then the page's own content in `#main`. */
export function startPage(page: Page): { rerender(): void } {
  const main = byId('main');
  renderAll(page, main);
  return {
    rerender: () => {
      document.title = `${page.title()} · ${t().appName}`;
      page.render(main);
    },
  };
}

/** A visible, announced message box. `kind` error uses role=alert so it is read out at once. */
export function notice(kind: 'error' | 'info' | 'success', ...content: (Node | string)[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...content);
}
