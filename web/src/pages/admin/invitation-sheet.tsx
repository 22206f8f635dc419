import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import QRCode from 'qrcode';
import type { InvitationLinks } from '../../../../functions/domain/evaluation/invitations';
import { getInvitationLinks } from '../../../../functions/routes/admission';
import { getForm } from '../../../../functions/routes/evaluation';
import { ApiError, call } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Loading, Notice, mount } from '../../app/components/frame';
import { StaffShell } from '../../app/components/staff-shell';
import { formatDateTime } from '../../app/format';
import { messages } from '../../app/i18n';
import { adminInvitations } from '../../messages/admin-invitations';
import { absoluteLink } from './invitation-links';

/**
 * The printable sheet of a batch's invitations (invitation-sheet.html?period=<id>&batch=<id>): one card
 * per link, twelve on each A4 page (3 × 4), each with the unit's name, a short instruction in Chinese, the
 * QR code of the link and the card's number — never anything about a respondent. The QR codes are SVG made
 * here by the qrcode package and shown as data: images, which the pages' CSP allows.
 */

/** Cards on one printed A4 page: 3 columns × 4 rows. */
const CARDS_PER_PAGE = 12;

/** What a card says to the citizen who gets it: in Chinese, whatever the admin's language, as it is printed for them. */
const CARD_TEXT = {
  instruction: '请用手机扫码，评价本单位的服务',
  once: '每码限评一次 · 无需登录 · 不收集个人信息',
  allUnits: '公共服务单位满意度评议',
  number: (n: number, total: number) => `第 ${n} / ${total} 张`,
};

interface Card {
  n: number;
  /** `data:image/svg+xml;utf8,…` */
  qr: string;
}

interface Sheet {
  batchId: string;
  /** The unit's name in Chinese, or the all-units heading. */
  unitName: string;
  expiresAt: string;
  count: number;
}

async function qrDataUrl(url: string): Promise<string> {
  // Level M survives a scuffed print; the quiet zone of 4 modules is what scanners expect.
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

/** Lets the page paint between chunks of work, so that a batch of a thousand QR codes does not freeze the tab. */
const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function SheetPage() {
  const m = messages(adminInvitations);
  const query = new URLSearchParams(location.search);
  const periodId = query.get('period') ?? '';
  const batchId = query.get('batch') ?? '';
  const sheet = useSignal<Sheet | undefined>(undefined);
  const cards = useSignal<Card[]>([]);
  const failure = useSignal<string | undefined>(undefined);

  useEffect(() => {
    if (!periodId || !batchId) return;
    let stopped = false;
    (async () => {
      const links: InvitationLinks = await call(getInvitationLinks, { params: { periodId, batchId } });
      const form = await call(getForm, { params: { formId: links.batch.formId } }).catch(() => undefined);
      const unit = form?.units.find((u) => u.unitId === links.batch.unitId);
      sheet.value = {
        batchId,
        unitName: links.batch.unitId ? (unit?.name['zh-CN'] ?? links.batch.unitId) : CARD_TEXT.allUnits,
        expiresAt: links.batch.expiresAt,
        count: links.links.length,
      };
      const made: Card[] = [];
      for (const link of links.links) {
        if (stopped) return;
        made.push({ n: link.n, qr: await qrDataUrl(absoluteLink(link.path)) });
        if (made.length % CARDS_PER_PAGE === 0 || made.length === links.links.length) {
          cards.value = [...made];
          await nextFrame();
        }
      }
    })().catch((err: unknown) => {
      failure.value = err instanceof ApiError && err.status === 404 ? m.sheetNotFound : failureOf(err).message;
    });
    return () => {
      stopped = true;
    };
  }, []);

  const back = `admin-invitations.html${periodId ? `?period=${encodeURIComponent(periodId)}` : ''}`;
  const backLink = (
    <p class="breadcrumb small no-print">
      <a href={back}>← {m.backToList}</a>
    </p>
  );
  if (!periodId || !batchId) return <>{backLink}<h1>{m.sheetTitle}</h1><Notice kind="error">{m.sheetMissing}</Notice></>;
  if (failure.value) return <>{backLink}<h1>{m.sheetTitle}</h1><Notice kind="error">{failure.value}</Notice></>;
  const s = sheet.value;
  if (!s) return <Loading />;
  const done = cards.value.length === s.count;
  const pages: Card[][] = [];
  for (let i = 0; i < cards.value.length; i += CARDS_PER_PAGE) pages.push(cards.value.slice(i, i + CARDS_PER_PAGE));
  return (
    <>
      {backLink}
      <h1 class="no-print">
        {m.sheetTitle} · <span lang="zh-CN">{s.unitName}</span>
      </h1>
      <div class="no-print">
        <p class="muted small">{m.sheetIntro({ count: s.count })}</p>
        <p class="muted small">
          {m.colExpires}: {formatDateTime(s.expiresAt)}
        </p>
        {!done && (
          <p class="muted" role="status" id="sheet-progress">
            {m.generating({ done: cards.value.length, total: s.count })}
          </p>
        )}
        <p class="actions">
          <button type="button" class="primary" id="print" disabled={!done} onClick={() => window.print()}>
            {m.print}
          </button>
        </p>
      </div>
      <div class="invite-sheet" aria-label={m.sheetLabel} role="region" aria-busy={!done} data-complete={done ? 'true' : 'false'}>
        {pages.map((page, i) => (
          <ul class="invite-page" key={i}>
            {page.map((card) => (
              <li key={card.n} class="invite-card" data-n={card.n}>
                <p class="invite-unit" lang="zh-CN">
                  {s.unitName}
                </p>
                <img class="invite-qr" src={card.qr} alt={m.qrAlt({ n: card.n })} width={200} height={200} />
                <p class="invite-instruction" lang="zh-CN">
                  {CARD_TEXT.instruction}
                </p>
                <p class="invite-once" lang="zh-CN">
                  {CARD_TEXT.once}
                </p>
                <p class="invite-number" lang="zh-CN">
                  {CARD_TEXT.number(card.n, s.count)}
                </p>
              </li>
            ))}
          </ul>
        ))}
      </div>
    </>
  );
}

function Root() {
  const m = messages(adminInvitations);
  return (
    <StaffShell roles={getInvitationLinks.access} title={m.sheetTitle}>
      <SheetPage />
    </StaffShell>
  );
}

mount(<Root />);
