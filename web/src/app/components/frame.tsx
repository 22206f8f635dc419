import { render, type ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { config } from 'zod/mini';
import { LANGS } from '../../../../functions/domain/lang';
import { common } from '../../messages/common';
import { lang, messages, setLang } from '../i18n';

// The pages' CSP forbids eval: zod must never try its `new Function` fast path here.
config({ jitless: true });

/** How each language names itself on the switch. */
const LANG_NAMES = { 'zh-CN': '中文', en: 'English' } as const;

function LangSwitch() {
  const m = messages(common);
  return (
    <div class="lang-switch" role="group" aria-label={m.langSwitchLabel}>
      {LANGS.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === lang.value} onClick={() => setLang(l)}>
          {LANG_NAMES[l]}
        </button>
      ))}
    </div>
  );
}

export interface FrameProps {
  /** The document title (before " · 评议"), in the current language. */
  title: string;
  /** Staff navigation, shown in the header under the brand. */
  nav?: ComponentChildren;
  children: ComponentChildren;
}

/** Every page's frame: skip link, header with the brand and the language switch, and `main`. */
export function Frame({ title, nav, children }: FrameProps) {
  const m = messages(common);
  useEffect(() => {
    document.documentElement.lang = lang.value;
    document.title = `${title} · ${m.appName}`;
  }, [title, m.appName]);
  return (
    <>
      <header id="app-header">
        <a class="skip-link" href="#main">
          {m.skipToMain}
        </a>
        <div class="bar">
          <a class="brand" href="./">
            <span class="brand-mark" aria-hidden="true">
              评
            </span>
            {m.appName}
          </a>
          <LangSwitch />
        </div>
        {nav}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** A message a page shows above one of its sections, rendered in the language of the moment. */
export interface SectionNotice {
  kind: 'success' | 'error' | 'info';
  say: () => string;
}

/** A visible, announced message. `error` uses role=alert so it is read out at once. */
export function Notice({ kind, children, id }: { kind: 'error' | 'info' | 'success'; children: ComponentChildren; id?: string }) {
  return (
    <div id={id} class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} tabIndex={id ? -1 : undefined}>
      {children}
    </div>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {messages(common).loading}
    </p>
  );
}

/** Renders a page's root component into the page's `#app` element. */
export function mount(page: ComponentChildren): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('#app missing from the page');
  root.replaceChildren();
  render(page, root);
}
