import type { Briefing } from '../../../../functions/domain/briefings/briefing';
import { briefingDocument, type DocumentSection } from '../../../../functions/domain/briefings/document';
import type { Lang } from '../../../../functions/domain/lang';

/** The place of block `index` among its section's tables, from 1. */
const tableNumber = (section: DocumentSection, index: number) => section.blocks.slice(0, index + 1).filter((b) => b.kind === 'table').length;

/**
 * A briefing as its printable document: the very document model the DOCX is written from
 * (functions/domain/briefings/document.ts), laid out as a 简报 — red title, 第N期, office and date over a
 * red rule, numbered sections with their tables. The page's only heading of level 1 is the title.
 */
export function BriefingView({ briefing, lang, label }: { briefing: Briefing; lang: Lang; label: string }) {
  const doc = briefingDocument(briefing, lang);
  return (
    <article class="briefing-document" id="briefing-document" aria-label={label}>
      <header class="briefing-head">
        <h1 class="briefing-title">{doc.title}</h1>
        <p class="briefing-number">{doc.number}</p>
        <p class="briefing-issuer">
          <span>{doc.office}</span>
          <span>{doc.date}</span>
        </p>
      </header>
      <p class="briefing-meta">{doc.window}</p>
      <p class="briefing-meta">{doc.asOf}</p>
      {doc.sections.map((s) => (
        <section key={s.key} class="briefing-section" id={`section-${s.key}`} aria-labelledby={`heading-${s.key}`}>
          <h2 id={`heading-${s.key}`}>{s.heading}</h2>
          {s.blocks.map((block, i) =>
            block.kind === 'paragraph' ? (
              <p key={i}>{block.text}</p>
            ) : (
              // A wide table scrolls on a phone: the region is reachable by keyboard, named by its section and place.
              <div key={i} class="table-scroll" role="region" aria-label={`${s.heading} · ${tableNumber(s, i)}`} tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      {block.table.columns.map((c) => (
                        <th key={c} scope="col">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {block.table.rows.map((row, r) => (
                      <tr key={r}>
                        {row.map((cell, c) => (c === 0 ? <th key={c} scope="row">{cell}</th> : <td key={c}>{cell}</td>))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ),
          )}
        </section>
      ))}
    </article>
  );
}
