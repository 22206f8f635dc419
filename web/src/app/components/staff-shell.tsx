import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Role } from '../../../../functions/routes/route';
import { staffCommon } from '../../messages/staff';
import { loadConfig } from '../api';
import { loadStaffConfig, type WebConfig } from '../config';
import { messages } from '../i18n';
import { signOut, startSignIn } from '../oidc';
import { keepToken, session, staff, takeTokenFromFragment } from '../session';
import { Frame, Loading, Notice } from './frame';

/** The staff pages, each for the roles that may use it: the navigation shows a person only their own. */
const STAFF_PAGES: { href: string; label: (m: ReturnType<typeof messages<typeof staffCommon['zh-CN']>>) => string; roles: readonly Role[] }[] = [
  { href: 'supervisor.html', label: (m) => m.navTallies, roles: ['supervisor', 'admin'] },
  { href: 'dashboard.html', label: (m) => m.navDashboard, roles: ['supervisor', 'admin'] },
  { href: 'admin-forms.html', label: (m) => m.navForms, roles: ['admin'] },
  { href: 'admin-periods.html', label: (m) => m.navPeriods, roles: ['admin'] },
  { href: 'admin-units.html', label: (m) => m.navUnits, roles: ['admin'] },
  { href: 'admin-invitations.html', label: (m) => m.navInvitations, roles: ['admin'] },
  { href: 'case-settings.html', label: (m) => m.navCaseSettings, roles: ['admin'] },
  { href: 'admin-briefing-settings.html', label: (m) => m.navBriefingSettings, roles: ['admin'] },
  { href: 'admin-audit.html', label: (m) => m.navAudit, roles: ['admin'] },
  { href: 'appeals.html', label: (m) => m.navAppeals, roles: ['unitHandler'] },
  { href: 'cases.html', label: (m) => m.navCases, roles: ['supervisor', 'admin', 'unitHandler'] },
  { href: 'ledger.html', label: (m) => m.navLedger, roles: ['supervisor', 'admin', 'unitHandler'] },
  { href: 'briefings.html', label: (m) => m.navBriefings, roles: ['supervisor', 'admin'] },
  { href: 'disclosures.html', label: (m) => m.navDisclosures, roles: ['supervisor', 'admin'] },
];

function StaffNav() {
  const m = messages(staffCommon);
  const me = staff.value;
  if (!me) return null;
  const here = location.pathname.split('/').pop() ?? '';
  const pages = STAFF_PAGES.filter((p) => p.roles.some((r) => me.roles.includes(r)));
  return (
    <nav class="staff-nav" aria-label={m.staffNavLabel}>
      <ul>
        {pages.map((p) => (
          <li key={p.href}>
            <a href={p.href} aria-current={p.href === here ? 'page' : undefined}>
              {p.label(m)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function SignIn({ config, unreadableToken }: { config: WebConfig; unreadableToken: boolean }) {
  const m = messages(staffCommon);
  const fieldError = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);
  const problem = session.value.problem;
  // A kept token that is not a token at all (a mistyped paste) is as good as an expired one.
  const problemText = problem === 'expired' || unreadableToken ? m.err401 : problem === 'signInFailed' ? m.errSignInFailed : undefined;
  const auth = config.auth;
  return (
    <section class="panel" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">{m.signInHeading}</h1>
      {problemText && <Notice kind="error">{problemText}</Notice>}
      {auth.kind === 'oidc' ? (
        <button
          type="button"
          class="primary"
          disabled={busy.value}
          onClick={() => {
            busy.value = true;
            startSignIn(auth).catch((err: unknown) => {
              console.error(err);
              busy.value = false;
              session.value = { ...session.value, problem: 'signInFailed' };
            });
          }}
        >
          {busy.value ? m.signingIn : m.signInOidc}
        </button>
      ) : (
        <form
          id="sign-in"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const input = (e.currentTarget as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
            if (!input.value.trim()) {
              fieldError.value = m.errTokenEmpty;
              input.focus();
              return;
            }
            keepToken(input.value);
          }}
        >
          <div class="field">
            <label for="token">{m.tokenLabel}</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="off"
              spellcheck={false}
              aria-describedby="token-hint token-error"
              aria-invalid={Boolean(fieldError.value)}
            />
            <p id="token-hint" class="muted small">
              {m.tokenHint}
            </p>
            <p id="token-error" class="field-error" hidden={!fieldError.value}>
              {fieldError.value ?? ''}
            </p>
          </div>
          <button type="submit" class="primary">
            {m.signIn}
          </button>
        </form>
      )}
    </section>
  );
}

export interface StaffShellProps {
  /** The roles that may use this page. */
  roles: readonly Role[];
  title: string;
  children: ComponentChildren;
}

/**
 * The frame of every staff page: sign-in (a pasted local token, or the provider's sign-in page with code
 * and PKCE), sign-out that also ends the provider's session, navigation by role, and the one handling of
 * 401 (back to sign-in, saying why) and 403 (what this account may not do). Its children render only for
 * a signed-in member of `roles`.
 */
export function StaffShell({ roles, title, children }: StaffShellProps) {
  const m = messages(staffCommon);
  const config = useSignal<WebConfig | undefined>(undefined);
  const failed = useSignal(false);

  useEffect(() => {
    takeTokenFromFragment();
    // Opening a #token= link in a tab already showing the page changes only the fragment: no reload.
    const onHash = () => takeTokenFromFragment();
    window.addEventListener('hashchange', onHash);
    loadStaffConfig(loadConfig).then(
      (c) => (config.value = c),
      (err: unknown) => {
        console.error(err);
        failed.value = true;
      },
    );
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const me = staff.value;
  const { token, problem } = session.value;
  let body: ComponentChildren;
  // A page that cannot show its content still names itself (axe: page-has-heading-one).
  const refusal = (text: string) => (
    <>
      <h1>{title}</h1>
      <Notice kind="error">{text}</Notice>
    </>
  );
  if (failed.value) body = refusal(m.errServer);
  else if (!config.value) body = <Loading />;
  else if (!token || !me) body = <SignIn config={config.value} unreadableToken={Boolean(token) && !me} />;
  else if (problem === 'forbidden' || !roles.some((r) => me.roles.includes(r))) body = refusal(m.err403);
  else body = children;

  const cfg = config.value;
  const account =
    token && me && cfg ? (
      <div class="account bar">
        <span class="muted small">{m.signedInAs({ name: me.name })}</span>
        <button type="button" class="secondary" id="sign-out" onClick={() => signOut(cfg.auth)}>
          {m.signOut}
        </button>
      </div>
    ) : null;

  return (
    <Frame
      title={title}
      nav={
        <>
          {token && <StaffNav />}
          {account}
        </>
      }
    >
      {body}
    </Frame>
  );
}
