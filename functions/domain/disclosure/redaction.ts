import { findNames } from './redact-names';

/**
 * Redaction (脱敏) of personal data in texts before they reach the public disclosure page (公示): complaint
 * texts, replies, ledger items. The supervisor who approves a publication sees the redacted text, so what
 * is approved is exactly what is published.
 *
 * Masks follow Chinese government disclosures:
 * - a name keeps its surname: "张建国" / "张某某" / "张先生" → "张某"; a job title after it stays ("王某主任");
 * - numbers are masked in full, never "138****5678": the seven digits left by that style narrow a number
 *   to ten thousand candidates, which a caller can try, and they link the same person across disclosures.
 *   Each mask has a fixed length, so it does not tell a 15-digit ID from an 18-digit one either;
 * - an ID number is recognised by its format (region, a plausible birth date, X check digit allowed), not
 *   by its checksum: a mistyped ID number is still a person's ID number, and masking on format alone
 *   misses none of them;
 * - an address keeps its administrative divisions and its road or estate ("平邑县莲花路阳光小区") and
 *   loses the house, building, unit and room numbers, which locate a household; a place without a number
 *   is not a person's address and stays;
 * - a licence plate keeps its province and city letter ("鲁Q*****"), which name a region, not a car.
 *
 * Full-width digits and letters (１３８…) are found like ASCII ones. The result is stable: redacting a
 * redacted text changes nothing.
 */

/** What a masked span held. */
export type RedactionKind = 'name' | 'mobile' | 'landline' | 'idNumber' | 'address' | 'plate' | 'email';

/** One masked span: its kind and its offsets in the input (UTF-16 code units, as `String.prototype.slice` takes them). */
export interface RedactionFinding {
  kind: RedactionKind;
  start: number;
  end: number;
}

/** The masks, one per kind (a name's is its surname followed by 某). */
export const REDACTION_MASKS: Record<Exclude<RedactionKind, 'name' | 'plate'>, string> = {
  mobile: '***********',
  landline: '********',
  idNumber: '******************',
  address: '***',
  email: '***@***',
};

/** The mask of a plate: its province and city letter, then five stars. */
const PLATE_TAIL_MASK = '*****';

interface Candidate extends RedactionFinding {
  mask: string;
}

/** Full-width ASCII forms (０-９, Ａ-Ｚ, －, ＠ …) and the ideographic space folded to ASCII, one code unit each, so offsets stay those of the input. */
const fold = (text: string): string =>
  text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));

const SEP = '[\\s\\-\u2013\u2014]';
const MOBILE = new RegExp(
  `(?<![0-9+])(?:(?:\\+|00)?86${SEP}?|\\(\\+?86\\)\\s?)?1${SEP}?[3-9](?:${SEP}?[0-9]){9}(?![0-9])`,
  'g',
);
const AREA_CODE = '(?:\\(0[1-9][0-9]{1,2}\\)|0[1-9][0-9]{1,2})';
const EXTENSION = `(?:\\s*(?:转|分机|ext\\.?|-)\\s*[0-9]{1,6})?`;
const LANDLINE = new RegExp(`(?<![0-9])${AREA_CODE}${SEP}?[2-9][0-9]{6,7}${EXTENSION}(?![0-9])`, 'g');
/** A local number without its area code, only where the text says it is a telephone number. */
const LOCAL_LANDLINE = new RegExp(
  `(?<=(?:电话|座机|固话|传真|tel|Tel|TEL)(?:号码)?(?:为|是)?[:\\s]*)[2-9][0-9]{6,7}${EXTENSION}(?![0-9])`,
  'g',
);
const BIRTH_DATE_18 = '(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])';
const BIRTH_DATE_15 = '[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])';
const ID_NUMBER = new RegExp(
  `(?<![0-9A-Za-z])[1-9][0-9]{5}(?:\\s?${BIRTH_DATE_18}\\s?[0-9]{3}[0-9Xx]|${BIRTH_DATE_15}[0-9]{3})(?![0-9A-Za-z])`,
  'g',
);
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(
  `(?<![A-Za-z0-9])[${PROVINCES}][A-HJ-NP-Za-hj-np-z][\\s·•・.\\-]?(?:[A-Za-z0-9]{5,6}|[A-Za-z0-9]{4}[挂学警港澳领试超])(?![A-Za-z0-9])`,
  'g',
);
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z])/g;

const NUM = '(?:[0-9]+[A-Za-z]?|[A-Za-z]|[一二三四五六七八九十百零〇两]+|[东西南北中])';
const ANCHOR = `${NUM}\\s*(?:号院|号楼|号|栋|幢|座|单元|层|楼|室|户|组)`;
const DASHED = '[0-9]+(?:-[0-9]+){1,3}(?:室|号)?';
// A room by its number only ("501室", not the "两室" of "两室一厅").
const STRONG_ANCHOR = `(?:${NUM}\\s*(?:号院|号楼|栋|幢|单元)|[0-9]+\\s*室)`;
const PLACE_SUFFIX = '(?:路|街|大道|巷|胡同|弄|里|小区|花园|家园|公寓|大厦|新村|村|庄|屯|苑|社区|宿舍|大院)';
/** A room number written bare right after a building or unit number ("12号楼东单元602"). */
const BARE_ROOM = '[0-9]{2,4}(?![0-9年月日时分号])';
const MORE_NUMBERS = `(?:[\\s,，、-]*(?:${ANCHOR}|${DASHED})|${BARE_ROOM})*`;
const NUMBERS = `(?:${ANCHOR}|${DASHED})${MORE_NUMBERS}`;
/** House numbers after a road, estate or village ("莲花路88号", "王家庄村三组"), or a building/room number on its own ("3号楼2单元501室"). */
const ADDRESS = new RegExp(
  `(?<=${PLACE_SUFFIX}\\s*)${NUMBERS}|(?<![0-9A-Za-z一二三四五六七八九十百零〇两])(?:${ANCHOR}[\\s-]*){0,3}${STRONG_ANCHOR}${MORE_NUMBERS}`,
  'g',
);

const scan = (folded: string, pattern: RegExp, kind: RedactionKind, mask: (span: string) => string): Candidate[] =>
  Array.from(folded.matchAll(pattern), (m) => ({ kind, start: m.index, end: m.index + m[0].length, mask: mask(m[0]) }));

// On spans that start together, the longer wins; on equal spans, the more specific kind.
const PRIORITY: RedactionKind[] = ['email', 'idNumber', 'mobile', 'landline', 'plate', 'address', 'name'];

/**
 * The text with every personal name, mobile and landline number, ID number, address number, licence plate
 * and e-mail address masked, and where each was (offsets in `text`). Pure: the same text always gives the
 * same result.
 */
export function redact(text: string): { text: string; findings: RedactionFinding[] } {
  const folded = fold(text);
  const candidates: Candidate[] = [
    ...scan(folded, EMAIL, 'email', () => REDACTION_MASKS.email),
    ...scan(folded, ID_NUMBER, 'idNumber', () => REDACTION_MASKS.idNumber),
    ...scan(folded, MOBILE, 'mobile', () => REDACTION_MASKS.mobile),
    ...scan(folded, LANDLINE, 'landline', () => REDACTION_MASKS.landline),
    ...scan(folded, LOCAL_LANDLINE, 'landline', () => REDACTION_MASKS.landline),
    ...scan(folded, PLATE, 'plate', (plate) => plate.slice(0, 2).toUpperCase() + PLATE_TAIL_MASK).filter((c) =>
      /[0-9]/.test(folded.slice(c.start + 2, c.end)),
    ),
    ...scan(folded, ADDRESS, 'address', () => REDACTION_MASKS.address),
    ...findNames(folded).map((n) => ({ kind: 'name' as const, start: n.start, end: n.end, mask: `${n.surname}某` })),
  ].sort((a, b) => a.start - b.start || b.end - a.end || PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));

  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (c.start >= (kept.at(-1)?.end ?? 0)) kept.push(c);
  }
  let out = '';
  let at = 0;
  for (const c of kept) {
    out += text.slice(at, c.start) + c.mask;
    at = c.end;
  }
  out += text.slice(at);
  return { text: out, findings: kept.map(({ kind, start, end }) => ({ kind, start, end })) };
}
