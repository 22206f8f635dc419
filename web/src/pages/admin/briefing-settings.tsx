import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { BRIEFING_KINDS, type BriefingKind } from '../../../../functions/domain/briefings/briefing';
import { BRIEFING_TEXT } from '../../../../functions/domain/briefings/messages';
import type { BriefingSettingsView } from '../../../../functions/domain/briefings/settings';
import { getBriefingSettings, setBriefingSettings } from '../../../../functions/routes/briefings';
import { call } from '../../app/api';
import { FailureNotice, TextField, errorAt, failureOf, focusFirstError, focusSoon, withoutErrorsAt, type Failure, type FieldErrors } from '../../app/components/fields';
import { Loading, Notice, mount, type SectionNotice } from '../../app/components/frame';
import { LoadFailed } from '../../app/components/load-failed';
import { StaffShell } from '../../app/components/staff-shell';
import { local, messages } from '../../app/i18n';
import { adminBriefingSettings } from '../../messages/admin-briefing-settings';
import { staffCommon } from '../../messages/staff';

/**
 * The admin's page of the briefing settings (简报设置, admin-briefing-settings.html): the issuing office
 * printed under every briefing's title, the thresholds a unit is reported below, and the next number of
 * each kind, which may be raised to continue a paper numbering but never lowered onto a published one.
 * A page of its own beside the case settings rather than a part of the briefings page: the supervisors
 * who work there may not change these, and an admin looks for settings among the admin pages. A save
 * names the revision it read; a stale one offers to reload.
 */

/** The form's fields as typed: the 满意率 as a percentage, as people say it (90 %), sent as the fraction the API takes. */
interface Draft {
  office: string;
  score: string;
  ratePercent: string;
  weekly: string;
  monthly: string;
}

/** A percentage of a fraction without the float's tail (0.935 → "93.5"). */
const percentOf = (fraction: number) => String(Math.round(fraction * 10_000) / 100);

const draftOf = (s: BriefingSettingsView): Draft => ({
  office: s.office,
  score: String(s.thresholds.compositeScore),
  ratePercent: percentOf(s.thresholds.satisfactionRate),
  weekly: String(s.nextNumber.weekly),
  monthly: String(s.nextNumber.monthly),
});

/** The API's path of each field of the form, for its errors. */
const PATHS = { office: 'office', score: 'thresholds.compositeScore', ratePercent: 'thresholds.satisfactionRate', weekly: 'nextNumber.weekly', monthly: 'nextNumber.monthly' } as const;

const NUMBER = /^\d+(\.\d+)?$/;

/** The form's own checks, so that a percentage is never judged as a fraction by the API's words. */
function localErrors(d: Draft): FieldErrors {
  const m = messages(adminBriefingSettings);
  const errors: FieldErrors = {};
  const inRange = (v: string) => NUMBER.test(v.trim()) && Number(v) >= 0 && Number(v) <= 100;
  if (d.office.trim() === '' || d.office.trim().length > 100) errors[PATHS.office] = m.errOffice;
  if (!inRange(d.score)) errors[PATHS.score] = m.errScore;
  if (!inRange(d.ratePercent)) errors[PATHS.ratePercent] = m.errRate;
  for (const k of BRIEFING_KINDS) if (!/^\d+$/.test(d[k].trim()) || Number(d[k]) < 1) errors[PATHS[k]] = m.errNumber;
  return errors;
}

const kindName = (kind: BriefingKind) => local(BRIEFING_TEXT.title[kind]);

function SettingsForm({ start, reload }: { start: BriefingSettingsView; reload: () => Promise<BriefingSettingsView | undefined> }) {
  const c = messages(staffCommon);
  const m = messages(adminBriefingSettings);
  const base = useSignal(start);
  const draft = useSignal(draftOf(start));
  const failure = useSignal<Failure | undefined>(undefined);
  const notice = useSignal<SectionNotice | undefined>(undefined);
  const busy = useSignal(false);
  const errors = failure.value?.fields ?? {};

  const edit = (key: keyof Draft) => (value: string) => {
    draft.value = { ...draft.value, [key]: value };
    if (failure.value) failure.value = { ...failure.value, fields: withoutErrorsAt(failure.value.fields, PATHS[key]) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    notice.value = undefined;
    const local = localErrors(draft.value);
    if (Object.keys(local).length > 0) {
      failure.value = { message: c.errFixFields, fields: local };
      focusFirstError('briefing-settings-form', 'briefing-settings-failure');
      return;
    }
    busy.value = true;
    failure.value = undefined;
    try {
      const d = draft.value;
      const body = {
        office: d.office,
        thresholds: { compositeScore: Number(d.score), satisfactionRate: Math.round(Number(d.ratePercent) * 100) / 10_000 },
        // Only the numbers changed: one left as read must not clash with a briefing published since.
        nextNumber: Object.fromEntries(BRIEFING_KINDS.filter((k) => Number(d[k]) !== base.value.nextNumber[k]).map((k) => [k, Number(d[k])])),
        rev: base.value.rev,
      };
      const saved = await call(setBriefingSettings, { body });
      base.value = saved;
      draft.value = draftOf(saved);
      notice.value = { kind: 'success', say: () => messages(adminBriefingSettings).saved };
      focusSoon('briefing-settings-notice');
    } catch (err) {
      failure.value = failureOf(err);
      focusFirstError('briefing-settings-form', 'briefing-settings-failure');
    } finally {
      busy.value = false;
    }
  };

  const reloadLatest = async () => {
    const latest = await reload();
    if (!latest) return;
    base.value = latest;
    draft.value = draftOf(latest);
    failure.value = undefined;
    notice.value = { kind: 'info', say: () => messages(adminBriefingSettings).reloaded };
    focusSoon('briefing-settings-notice');
  };

  const defaults = base.value.defaults;
  return (
    <>
      <p>{m.intro}</p>
      {base.value.rev === 0 && <p class="muted">{m.usingDefaults}</p>}
      {notice.value && (
        <Notice kind={notice.value.kind} id="briefing-settings-notice">
          {notice.value.say()}
        </Notice>
      )}
      {failure.value && (
        <FailureNotice id="briefing-settings-failure" failure={failure.value} placed={['office', 'thresholds', 'nextNumber']} onReload={() => void reloadLatest()} />
      )}
      <form id="briefing-settings-form" class="panel" noValidate onSubmit={(e) => void submit(e)}>
        <TextField
          id="briefing-office"
          label={m.officeLabel}
          hint={m.officeHint({ office: defaults.office })}
          value={draft.value.office}
          maxLength={100}
          required
          error={errorAt(errors, PATHS.office)}
          onInput={edit('office')}
        />
        <h2 id="thresholds-heading">{m.thresholdsHeading}</h2>
        <TextField
          id="briefing-score"
          label={m.scoreLabel}
          hint={m.scoreHint({ score: defaults.thresholds.compositeScore })}
          value={draft.value.score}
          inputMode="decimal"
          required
          error={errorAt(errors, PATHS.score)}
          onInput={edit('score')}
        />
        <TextField
          id="briefing-rate"
          label={m.rateLabel}
          hint={m.rateHint({ rate: Number(percentOf(defaults.thresholds.satisfactionRate)) })}
          value={draft.value.ratePercent}
          inputMode="decimal"
          required
          error={errorAt(errors, PATHS.ratePercent)}
          onInput={edit('ratePercent')}
        />
        <h2 id="numbers-heading">{m.numbersHeading}</h2>
        <p>{m.numbersIntro}</p>
        {BRIEFING_KINDS.map((k) => (
          <TextField
            key={k}
            id={`next-${k}`}
            label={m.nextNumberLabel({ kind: kindName(k) })}
            hint={m.nextNumberHint({ number: base.value.nextNumber[k] })}
            value={draft.value[k]}
            inputMode="numeric"
            required
            error={errorAt(errors, PATHS[k])}
            onInput={edit(k)}
          />
        ))}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            {busy.value ? c.saving : c.save}
          </button>
        </div>
      </form>
    </>
  );
}

function BriefingSettingsAdmin() {
  const m = messages(adminBriefingSettings);
  const settings = useSignal<BriefingSettingsView | undefined>(undefined);
  const loadFailure = useSignal<string | undefined>(undefined);

  const reload = async () => {
    try {
      settings.value = await call(getBriefingSettings, {});
      loadFailure.value = undefined;
      return settings.value;
    } catch (err) {
      loadFailure.value = failureOf(err).message;
      return undefined;
    }
  };
  useEffect(() => void reload(), []);

  return (
    <>
      <h1>{m.title}</h1>
      {loadFailure.value && <LoadFailed id="settings-load-failure" message={loadFailure.value} onRetry={() => void reload()} />}
      {!settings.value ? !loadFailure.value && <Loading /> : <SettingsForm start={settings.value} reload={reload} />}
    </>
  );
}

function BriefingSettingsPage() {
  return (
    <StaffShell roles={setBriefingSettings.access} title={messages(adminBriefingSettings).title}>
      <BriefingSettingsAdmin />
    </StaffShell>
  );
}

mount(<BriefingSettingsPage />);
