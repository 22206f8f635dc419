import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import QRCode from 'qrcode';
import type { FormContent, FormStatus } from '../../../../functions/domain/evaluation/form';
import type { Unit } from '../../../../functions/domain/units/unit';
import { getAdminForm, getFormVersion } from '../../../../functions/routes/evaluation';
import { listUnits } from '../../../../functions/routes/units';
import { ApiError, call } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { local, messages } from '../../app/i18n';
import { adminForms } from '../../messages/admin-forms';

/**
 * The printable sheet of a form's links and QR codes (form-links.html?form=<id>): for a one-unit form one
 * card per unit, its QR code fixing the unit (一次一评 at a service window); for an all-units form one
 * card. A link carries the form and unit ids only — never anything about a respondent. The QR codes are
 * SVG made by the qrcode package and shown as data: images, which the pages' CSP allows.
 */

interface Card {
  /** The unit the link fixes; undefined for the all-units page. */
  unitId: string | undefined;
  name: string;
  url: string;
  /** `data:image/svg+xml;utf8,…` */
  qr: string;
}

interface Sheet {
  formId: string;
  title: string;
  status: FormStatus;
  published: boolean;
  cards: Card[];
}

/** The citizens' page for a form (and unit), next to this page wherever the site is served. */
function rateUrl(formId: string, unitId?: string): string {
  const url = new URL('rate.html', location.href);
  url.searchParams.set('form', formId);
  if (unitId) url.searchParams.set('unit', unitId);
  return url.href;
}

async function qrDataUrl(url: string): Promise<string> {
  // Level M survives a scuffed print; the quiet zone of 4 modules is what scanners expect.
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

async function buildCards(formId: string, content: FormContent, units: readonly Unit[]): Promise<Card[]> {
  const m = messages(adminForms);
  if (content.layout === 'allUnits') {
    const url = rateUrl(formId);
    return [{ unitId: undefined, name: m.allUnitsCard, url, qr: await qrDataUrl(url) }];
  }
  return Promise.all(
    content.unitIds.map(async (unitId) => {
      const unit = units.find((u) => u.unitId === unitId);
      const url = rateUrl(formId, unitId);
      return { unitId, name: unit ? local(unit.name) : unitId, url, qr: await qrDataUrl(url) };
    }),
  );
}

/** The sheet follows the latest published version (what a scan opens); before the first publication, the draft. */
async function loadSheet(formId: string): Promise<Sheet> {
  const [{ form }, { units }] = await Promise.all([call(getAdminForm, { params: { formId } }), call(listUnits, {})]);
  const content = form.latestVersion > 0 ? (await call(getFormVersion, { params: { formId, version: form.latestVersion } })).content : form.draft;
  return {
    formId,
    title: local(content.title),
    status: form.status,
    published: form.latestVersion > 0,
    cards: await buildCards(formId, content, units),
  };
}

function LinksPage() {
  const m = messages(adminForms);
  const formId = new URLSearchParams(location.search).get('form') ?? '';
  const sheet = useSignal<Sheet | undefined>(undefined);
  const failure = useSignal<string | undefined>(undefined);
  useEffect(() => {
    if (!formId) return;
    loadSheet(formId).then(
      (s) => (sheet.value = s),
      (err: unknown) => (failure.value = err instanceof ApiError && err.status === 404 ? m.formNotFound : failureOf(err).message),
    );
    // Names on the cards follow the language switch; the QR codes do not depend on it.
  }, []);

  if (!formId) return <Notice kind="error">{m.missingForm}</Notice>;
  if (failure.value) return <Notice kind="error">{failure.value}</Notice>;
  const s = sheet.value;
  if (!s) return <Loading />;
  const editorHref = `admin-form.html?form=${encodeURIComponent(formId)}`;
  return (
    <>
      <div class="no-print">
        <p class="breadcrumb small">
          <a href="admin-forms.html">← {m.backToList}</a> · <a href={editorHref}>{m.backToEditor}</a>
        </p>
      </div>
      <h1>
        {s.title}
        <span class="visually-hidden"> · {m.linksTitle}</span>
      </h1>
      <div class="no-print">
        <p class="muted small">{m.linksIntro}</p>
        {!s.published && <Notice kind="info">{m.linksNotPublished}</Notice>}
        {s.status === 'closed' && <Notice kind="info">{m.linksClosed}</Notice>}
        <p class="actions">
          <button type="button" class="primary" id="print" onClick={() => window.print()}>
            {m.print}
          </button>
        </p>
      </div>
      <ul class="qr-sheet" aria-label={m.linksTitle}>
        {s.cards.map((card) => (
          <li key={card.unitId ?? '*'} class="qr-card" data-unit-id={card.unitId}>
            <p class="qr-form-title">{s.title}</p>
            <h2 class="qr-unit">{card.name}</h2>
            <img class="qr-image" src={card.qr} alt={m.qrAlt({ name: card.name })} width={240} height={240} />
            <p class="qr-scan">{m.scanToRate}</p>
            <p class="qr-url">
              <a href={card.url}>{card.url}</a>
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}

function Root() {
  const m = messages(adminForms);
  return (
    <StaffShell roles={['admin']} title={m.linksTitle}>
      <LinksPage />
    </StaffShell>
  );
}

mount(<Root />);
