import { DEFAULT_LANG, LANGS, type Lang } from '../../functions/domain/lang';
import type { LocalizedText } from '../../functions/domain/catalog';
import { TIME_ZONE } from '../../functions/domain/time-zone';

/**
 * Every string the pages show, in both languages, in one place. Names that belong to the domain (rating
 * levels, 不了解, respondent groups, units, forms, periods) are read from functions/domain, not repeated here.
 */
const zhCN = {
  appName: '评议',
  appTagline: '公共服务单位满意度评议',
  langSwitchLabel: '语言',
  skipToMain: '跳到正文',
  loading: '正在加载…',
  home: '首页',

  // index
  formsHeading: '正在进行的评议',
  noForms: '目前没有发布的评议表。',
  rateThis: '去评议',
  supervisorLink: '监督员入口：查看统计结果',
  stateOpen: '进行中',
  stateNotYetOpen: '尚未开始',
  stateEnded: '已结束',

  // rate
  noFormChosen: '没有指定评议表。请从首页选择。',
  formNotFound: '找不到这个评议表，它可能已被撤下。',
  periodWindow: (p: { opens: string; closes: string }) => `评议时间：${p.opens} 至 ${p.closes}`,
  periodEnded: '本期评议已结束，不再接受评价。感谢关注。',
  periodNotYetOpen: (p: { opens: string }) => `本期评议尚未开始，将于 ${p.opens} 开放。`,
  unitLabel: '被评议单位',
  unitPlaceholder: '请选择单位',
  unitFilterLabel: '按名称查找单位',
  unitFilterNoMatch: '没有名称匹配的单位',
  ratingLegend: '您对该单位的总体评价',
  ratingHint: '如实评价即可，任何评价都会被完整计入。',
  groupLegend: '您的身份',
  commentLabel: '意见或建议（选填）',
  commentCounter: (p: { used: number; max: number }) => `${p.used} / ${p.max} 字`,
  submit: '提交评价',
  submitting: '正在提交…',
  retry: '重新提交',
  errUnit: '请选择被评议单位。',
  errRating: '请选择一个评价等级。',
  errGroup: '请选择您的身份。',
  errComment: (p: { max: number }) => `意见不能超过 ${p.max} 字。`,
  errFixFields: '请按提示修改后再提交。',
  errNetwork: '网络连接失败，您的评价可能还没有送达。请检查网络后点“重新提交”，不会重复计票。',
  errBusy: (p: { seconds: number }) => `服务器繁忙，请在 ${p.seconds} 秒后点“重新提交”，不会重复计票。`,
  errBusyNoWait: '服务器繁忙，请稍后点“重新提交”，不会重复计票。',
  errServer: '服务器出错了，请稍后再试。',
  receiptHeading: '评价已提交，感谢您的参与',
  receiptIdLabel: '回执编号',
  receiptTimeLabel: '提交时间',
  receiptUnitLabel: '单位',
  receiptRatingLabel: '评价',
  receiptKeep: '请保存回执编号，以便日后查询。',
  rateAnother: '评价其他单位',

  // supervisor
  supervisorHeading: '评议统计',
  signInHeading: '登录',
  tokenLabel: '访问令牌',
  tokenHint: '由管理员发放。本地运行时可用 npm run token 生成。',
  signIn: '登录',
  signInCognito: '通过统一身份认证登录',
  signOut: '退出登录',
  signingIn: '正在登录…',
  errTokenEmpty: '请输入访问令牌。',
  errSignInFailed: '登录失败，请重试。',
  err401: '登录已失效或令牌无效，请重新登录。',
  err403: '您的账号没有查看统计结果的权限。如需开通，请联系管理员。',
  periodLabel: '评议期',
  noPeriods: '还没有评议期。',
  refresh: '刷新',
  downloadCsv: '下载 CSV',
  downloading: '正在下载…',
  downloaded: (p: { name: string }) => `已下载 ${p.name}`,
  lastComputed: (p: { at: string; ballots: number }) => `最近计算：${p.at}（共 ${p.ballots} 张选票）`,
  notComputedYet: '尚未计算：统计任务运行后这里会显示结果。',
  minSampleNote: (p: { min: number }) => `有效样本少于 ${p.min} 的单位标为“样本不足”，不参与排名。`,
  tableCaption: (p: { period: string }) => `${p.period} 各单位评议统计`,
  colUnit: '单位',
  colN: 'N',
  colNFull: '有效样本数',
  colRate: '满意率（95% 区间）',
  colBad: '差评',
  colScore: '综合得分',
  insufficientSample: '样本不足',
  noTally: '暂无数据',
  weightCoverage: (p: { pct: string }) => `权重覆盖 ${p.pct}`,
  scrollHint: '表格可左右滑动',
};

export type Messages = typeof zhCN;

const en: Messages = {
  appName: 'Pingyi',
  appTagline: 'Rate public-service units',
  langSwitchLabel: 'Language',
  skipToMain: 'Skip to content',
  loading: 'Loading…',
  home: 'Home',

  formsHeading: 'Open evaluations',
  noForms: 'No evaluation form is published right now.',
  rateThis: 'Rate',
  supervisorLink: 'Supervisors: see the results',
  stateOpen: 'Open',
  stateNotYetOpen: 'Not open yet',
  stateEnded: 'Ended',

  noFormChosen: 'No form was chosen. Please pick one on the home page.',
  formNotFound: 'This form was not found; it may have been withdrawn.',
  periodWindow: (p) => `Open from ${p.opens} to ${p.closes}`,
  periodEnded: 'This evaluation period has ended and takes no more ratings. Thank you for your interest.',
  periodNotYetOpen: (p) => `This evaluation period has not started yet; it opens on ${p.opens}.`,
  unitLabel: 'Unit to rate',
  unitPlaceholder: 'Choose a unit',
  unitFilterLabel: 'Find a unit by name',
  unitFilterNoMatch: 'No unit matches that name',
  ratingLegend: 'Your overall rating of this unit',
  ratingHint: 'Rate honestly: every rating is counted in full.',
  groupLegend: 'You are rating as',
  commentLabel: 'Comment or suggestion (optional)',
  commentCounter: (p) => `${p.used} / ${p.max} characters`,
  submit: 'Submit rating',
  submitting: 'Submitting…',
  retry: 'Submit again',
  errUnit: 'Please choose a unit.',
  errRating: 'Please choose a rating.',
  errGroup: 'Please say which group you belong to.',
  errComment: (p) => `The comment may have at most ${p.max} characters.`,
  errFixFields: 'Please correct the fields marked below and submit again.',
  errNetwork:
    'The network failed, so your rating may not have arrived. Check your connection and press "Submit again"; it will not be counted twice.',
  errBusy: (p) => `The server is busy. Please press "Submit again" in ${p.seconds} seconds; it will not be counted twice.`,
  errBusyNoWait: 'The server is busy. Please press "Submit again" shortly; it will not be counted twice.',
  errServer: 'Something went wrong on the server. Please try again later.',
  receiptHeading: 'Thank you, your rating was submitted',
  receiptIdLabel: 'Receipt number',
  receiptTimeLabel: 'Submitted at',
  receiptUnitLabel: 'Unit',
  receiptRatingLabel: 'Rating',
  receiptKeep: 'Keep the receipt number to look your rating up later.',
  rateAnother: 'Rate another unit',

  supervisorHeading: 'Evaluation results',
  signInHeading: 'Sign in',
  tokenLabel: 'Access token',
  tokenHint: 'Issued by an administrator. Locally, npm run token prints one.',
  signIn: 'Sign in',
  signInCognito: 'Sign in with your organisation account',
  signOut: 'Sign out',
  signingIn: 'Signing in…',
  errTokenEmpty: 'Please enter an access token.',
  errSignInFailed: 'Sign-in failed. Please try again.',
  err401: 'Your sign-in has expired or the token is not valid. Please sign in again.',
  err403: 'Your account may not see the results. Ask an administrator for access.',
  periodLabel: 'Evaluation period',
  noPeriods: 'There is no evaluation period yet.',
  refresh: 'Refresh',
  downloadCsv: 'Download CSV',
  downloading: 'Downloading…',
  downloaded: (p) => `Downloaded ${p.name}`,
  lastComputed: (p) => `Last computed ${p.at} (${p.ballots} ballots)`,
  notComputedYet: 'Not computed yet: results appear here after the tally job has run.',
  minSampleNote: (p) => `Units with fewer than ${p.min} valid ratings are marked "insufficient sample" and not ranked.`,
  tableCaption: (p) => `Results per unit, ${p.period}`,
  colUnit: 'Unit',
  colN: 'N',
  colNFull: 'Valid ratings',
  colRate: 'Satisfaction (95% interval)',
  colBad: 'Bad reviews',
  colScore: 'Composite score',
  insufficientSample: 'Insufficient sample',
  noTally: 'No data yet',
  weightCoverage: (p) => `weight coverage ${p.pct}`,
  scrollHint: 'Scroll the table sideways',
};

const MESSAGES: Record<Lang, Messages> = { 'zh-CN': zhCN, en };

/** How each language names itself on the switch. */
export const LANG_NAMES: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' };

const STORAGE_KEY = 'pingyi.lang';

const isLang = (value: unknown): value is Lang => (LANGS as readonly unknown[]).includes(value);

/** The language the user chose last (kept across pages), or zh-CN. */
export function currentLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be blocked (private mode, policies); the default language still works.
  }
  return DEFAULT_LANG;
}

/** Remembers the user's language and marks the document with it. */
export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // See currentLang: not remembering the choice is acceptable.
  }
  document.documentElement.lang = lang;
}

/** The UI strings in the current language. */
export const t = (): Messages => MESSAGES[currentLang()];

/** A domain name (unit, form, period, level label) in the current language. */
export const local = (text: LocalizedText): string => text[currentLang()];

/** A date-time for people: local time, in the current language's conventions. */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** A date for people (no time). */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeZone: TIME_ZONE }).format(new Date(iso));
}

/** A fraction in [0, 1] as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);
}
