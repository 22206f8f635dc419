import type { Notification } from '../../functions/domain/notifications/notification';
import { STEP_LABELS } from '../../functions/domain/notifications/messages';
import { formatInstantCst } from '../../functions/domain/time-zone';

/**
 * The local outbox page (`/local/outbox` under `npm start`): every message the escalation ladder recorded —
 * what SES would have sent on AWS — newest first, with its step, recipient, status and full text. Rendered
 * on the server as plain HTML: no script at all, so the pages' Content-Security-Policy holds as it is.
 */
export const LOCAL_OUTBOX_PATH = '/local/outbox';

/** How many months back the page reads (the outbox's `byMonth` index), and how many messages at most. */
export const OUTBOX_PAGE_MONTHS = 3;
export const OUTBOX_PAGE_LIMIT = 500;

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATUS_LABELS: Record<Notification['status'], string> = {
  pending: '待发送',
  sent: '已发出',
  superseded: '已并入更高一级通知',
  noAddress: '无收件地址',
  failed: '发送失败',
};

/** The CST months (`2026-10`) from `now` back, `count` of them. */
export function recentMonths(now: Date, count = OUTBOX_PAGE_MONTHS): string[] {
  const cst = new Date(now.getTime() + 8 * 3_600_000);
  return Array.from({ length: count }, (_, back) => {
    const d = new Date(Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth() - back, 1));
    return d.toISOString().slice(0, 7);
  });
}

/** The page: a heading, a count, and one article per message. */
export function renderOutboxPage(messages: readonly Notification[]): string {
  const items = messages
    .map((n) => {
      const head = `${escape(formatInstantCst(n.createdAt))} · ${escape(STEP_LABELS[n.step]['zh-CN'])} · ${escape(STATUS_LABELS[n.status])}${n.via ? ` (${escape(n.via)})` : ''}`;
      return [
        '<article>',
        `<h2>${escape(n.subject['zh-CN'])}</h2>`,
        `<p>${head}</p>`,
        `<p>收件人：${n.to ? escape(n.to) : '（名录中没有地址）'} · ${n.role === 'supervisors' ? '作风办' : '承办单位'} · 受理编号 ${escape(n.trackingNumber)}</p>`,
        `<pre>${escape(n.body['zh-CN'])}</pre>`,
        '</article>',
      ].join('\n');
    })
    .join('\n<hr>\n');
  return [
    '<!doctype html>',
    '<html lang="zh-CN">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>本地发件箱 · Local outbox</title></head>',
    '<body>',
    '<main>',
    '<h1>本地发件箱 · Local outbox</h1>',
    `<p>在 AWS 上会经 SES 发出的督促通知（最近 ${OUTBOX_PAGE_MONTHS} 个月，最新在前）：共 ${messages.length} 条。What SES would have sent on AWS, newest first.</p>`,
    messages.length === 0 ? '<p>暂无通知。No messages yet.</p>' : items,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}
