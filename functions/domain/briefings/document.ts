import { CASE_KIND_LABELS, CASE_KPI_LABELS } from '../cases/messages';
import type { Lang } from '../lang';
import { fill, type Message } from '../messages';
import { formatInstantCst } from '../time-zone';
import type { Briefing, Ratio, UnitStanding } from './briefing';
import { BRIEFING_TEXT as T } from './messages';

/**
 * A briefing laid out as a document, in one language: what the DOCX (platform/docx.ts) and the printable
 * page (web/src/pages/briefings/) both render, so the Word file and the page can never say different
 * things. Laid out as a government 简报: title, 第N期, issuing office and date (CST), then numbered sections,
 * each with its sentences and a table of figures.
 */
export interface DocumentTable {
  columns: string[];
  rows: string[][];
}

export interface DocumentSection {
  /** A stable key (tests, the page's ids). */
  key: string;
  heading: string;
  /** Paragraphs before the table, and a table per block of figures. */
  blocks: ({ kind: 'paragraph'; text: string } | { kind: 'table'; table: DocumentTable })[];
}

export interface BriefingDocument {
  title: string;
  /** 第N期, or the draft's note. */
  number: string;
  office: string;
  /** The publication day (or, for a draft, the data-as-of day), CST: `2026年11月30日`. */
  date: string;
  window: string;
  asOf: string;
  sections: DocumentSection[];
}

/** A fraction as a percentage with two decimals (`98.22%`); `—` for none. */
export const percent = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);
/** Points with two decimals (`85.30`); `—` for none. */
export const points = (score: number | null): string => (score === null ? '—' : score.toFixed(2));
/** A change of points with its sign (`+2.50`, `-1.25`). */
export const signedPoints = (change: number | null): string => (change === null ? '—' : `${change > 0 ? '+' : ''}${change.toFixed(2)}`);

/** A CST day as written on a Chinese document (`2026年11月30日`), or ISO in English. */
function documentDate(iso: string, lang: Lang): string {
  const day = formatInstantCst(iso).slice(0, 10);
  if (lang === 'en') return day;
  const [y, m, d] = day.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

const say = (message: Message, lang: Lang, params: Record<string, string | number> = {}) => fill(message, params)[lang];

/** The document of a briefing in `lang`. */
export function briefingDocument(b: Briefing, lang: Lang): BriefingDocument {
  const f = b.figures;
  const c = T.columns;
  const h = (m: Message) => m[lang];
  const unitRows = (units: readonly UnitStanding[]) =>
    units.map((u) => [u.unitName[lang], points(u.compositeScore), signedPoints(u.change), percent(u.satisfactionRate), String(u.n)]);
  const unitColumns = [h(c.unit), h(c.score), h(c.change), h(c.satisfaction), h(c.n)];
  const ratio = (r: Ratio) => percent(r.rate);
  const narrative = (key: 'typicalExperience' | 'problemsFound' | 'nextSteps'): DocumentSection => ({
    key,
    heading: h(T.sections[key]),
    blocks: (b.narrative[key].trim() ? b.narrative[key].trim().split(/\n+/) : [h(T.notWritten)]).map((text) => ({ kind: 'paragraph' as const, text })),
  });

  const ratings: DocumentSection = {
    key: 'ratings',
    heading: h(T.sections.ratings),
    blocks:
      f.ratings.periods.length === 0
        ? [{ kind: 'paragraph', text: h(T.noPeriods) }]
        : [
            { kind: 'paragraph', text: say(T.ratingsSummary, lang, { n: f.ratings.newRatings, periods: f.ratings.periods.length }) },
            {
              kind: 'table',
              table: {
                columns: [h(c.period), h(c.newRatings), h(c.n), h(c.unitsRated)],
                rows: f.ratings.periods.map((p) => [p.name[lang], String(p.newRatings), String(p.n), String(p.unitsRated)]),
              },
            },
            ...(f.ratings.risers.length + f.ratings.fallers.length === 0 ? [{ kind: 'paragraph' as const, text: h(T.noMoves) }] : []),
            ...(f.ratings.risers.length > 0
              ? [{ kind: 'paragraph' as const, text: h(T.risers) }, { kind: 'table' as const, table: { columns: unitColumns, rows: unitRows(f.ratings.risers) } }]
              : []),
            ...(f.ratings.fallers.length > 0
              ? [{ kind: 'paragraph' as const, text: h(T.fallers) }, { kind: 'table' as const, table: { columns: unitColumns, rows: unitRows(f.ratings.fallers) } }]
              : []),
          ],
  };

  const below: DocumentSection = {
    key: 'below',
    heading: h(T.sections.below),
    blocks: [
      {
        kind: 'paragraph',
        text:
          say(T.belowSummary, lang, { score: f.thresholds.compositeScore, rate: percent(f.thresholds.satisfactionRate), count: f.ratings.belowThresholdCount }) +
          (f.ratings.belowThresholdCount > f.ratings.belowThreshold.length ? say(T.belowShown, lang, { shown: f.ratings.belowThreshold.length }) : ''),
      },
      ...(f.ratings.belowThreshold.length > 0 ? [{ kind: 'table' as const, table: { columns: unitColumns, rows: unitRows(f.ratings.belowThreshold) } }] : []),
    ],
  };

  const cases: DocumentSection = {
    key: 'cases',
    heading: h(T.sections.cases),
    blocks: [
      { kind: 'paragraph', text: say(T.casesSummary, lang, { received: f.cases.received, closed: f.cases.closed, overdue: f.cases.overdue }) },
      { kind: 'paragraph', text: say(T.kpiNote, lang, { from: f.cases.kpiFrom, to: f.cases.kpiTo }) },
      {
        kind: 'table',
        table: {
          columns: [h(c.kpi), h(c.numerator), h(c.denominator), h(c.rate)],
          rows: f.cases.kpis.map((k) => [CASE_KPI_LABELS[k.key][lang], String(k.numerator), String(k.denominator), percent(k.rate)]),
        },
      },
    ],
  };

  const repeat: DocumentSection = {
    key: 'repeat',
    heading: h(T.sections.repeat),
    blocks:
      f.repeatComplaints.length === 0
        ? [{ kind: 'paragraph', text: h(T.repeatNone) }]
        : [
            { kind: 'paragraph', text: h(T.repeatNote) },
            {
              kind: 'table',
              table: {
                columns: [h(c.unit), h(c.kind), h(c.count)],
                rows: f.repeatComplaints.map((r) => [r.unitName[lang], CASE_KIND_LABELS[r.kind][lang], String(r.count)]),
              },
            },
          ],
  };

  const l = f.ledger;
  const ledger: DocumentSection = {
    key: 'ledger',
    heading: h(T.sections.ledger),
    blocks: [
      {
        kind: 'paragraph',
        text: say(T.ledgerSummary, lang, {
          total: l.total,
          ledgered: l.ledgered,
          completed: l.completed,
          open: l.ledgered - l.completed,
          overdue: l.overdue,
          added: l.newInWindow,
          closedNow: l.closedInWindow,
          rate: ratio(l.completionRate),
        }),
      },
      {
        kind: 'table',
        table: {
          columns: [h(c.total), h(c.ledgered), h(c.closed), h(c.open), h(c.overdue), h(c.added), h(c.closedNow), h(c.completion)],
          rows: [[l.total, l.ledgered, l.completed, l.ledgered - l.completed, l.overdue, l.newInWindow, l.closedInWindow].map(String).concat(ratio(l.completionRate))],
        },
      },
    ],
  };

  return {
    title: h(T.title[b.kind]),
    number: b.number !== undefined ? say(T.number, lang, { n: b.number }) : h(T.draft),
    office: b.office,
    date: documentDate(b.publishedAt ?? f.asOf, lang),
    window: say(T.window, lang, { from: b.from, to: b.to }),
    asOf: say(T.asOf, lang, { at: formatInstantCst(f.asOf) }),
    sections: [ratings, below, cases, repeat, ledger, narrative('typicalExperience'), narrative('problemsFound'), narrative('nextSteps')],
  };
}
