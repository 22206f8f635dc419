import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { canonicalJson } from '../canonical';
import { ZKpiReport } from '../cases/kpis';
import { ZCaseKind, ZCaseSource, ZCaseState } from '../cases/case';
import { ZUnitSnapshot } from '../evaluation/snapshot';
import { ZId } from '../ids';
import { ZLedgerLevel, ZLedgerSource, ZLedgerState } from '../ledger/ledger';
import { ZInstant, ZLocalizedText } from '../text';
import type { Disclosure, DisclosureContent, DisclosureItem, RedactedText } from './disclosure';

/**
 * What the public page reads: static JSON files under the public root (the site bucket's `public/` prefix on
 * AWS, `.local/public/` under `npm start`, both served at `/public/`). Each approved disclosure is one
 * immutable file named by its publication id; the index lists the publications currently on the page and is
 * the only file that changes (short cache). Only approved content is ever written, and only its published
 * text: redaction findings, who proposed and approved, and withdrawal reasons stay with staff.
 */

export { PUBLIC_DISCLOSURE_DIR, PUBLIC_INDEX_FILE, PUBLIC_URL_PREFIX, publicCacheControl, publicationFile } from './public-paths';

/** The version of the files' shape, for readers such as the independent re-derivation script. */
export const PUBLIC_FORMAT = 1;

/** The ballot commitment published with a period's scores (the "was my rating counted?" check). */
export const ZPublicCommitment = z.object({
  root: z.string(),
  total: z.int(),
  counted: z.int(),
  excluded: z.int(),
  /** The folder of the commitment's files, relative to the public root. */
  prefix: z.string(),
});
export type PublicCommitment = z.infer<typeof ZPublicCommitment>;

const ZUnitRef = z.object({ unitId: ZId, name: ZLocalizedText });

export const ZPublicItem = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('scores'),
    periodId: ZId,
    periodName: ZLocalizedText,
    day: z.string(),
    computedAt: z.iso.datetime(),
    /** Each unit's snapshot exactly as the snapshot API returns it (ZUnitSnapshot). */
    units: z.array(ZUnitSnapshot),
    unitNames: z.record(ZId, ZLocalizedText),
    commitment: z.nullable(ZPublicCommitment),
  }),
  z.object({ kind: z.literal('kpis'), report: ZKpiReport }),
  z.object({
    kind: z.literal('ledgerItem'),
    caseId: z.uuid(),
    source: ZLedgerSource,
    level: ZLedgerLevel,
    category: z.object({ id: ZId, name: ZLocalizedText }),
    unit: ZUnitRef,
    state: ZLedgerState,
    dueDate: z.optional(z.iso.date()),
    problem: z.string(),
    measures: z.optional(z.string()),
    progress: z.array(z.object({ at: ZInstant, note: z.string() })),
    closedAt: z.optional(ZInstant),
    closedOnTime: z.optional(z.boolean()),
  }),
  z.object({
    kind: z.literal('case'),
    caseId: z.uuid(),
    source: ZCaseSource,
    caseKind: ZCaseKind,
    unit: z.nullable(ZUnitRef),
    state: ZCaseState,
    receivedAt: ZInstant,
    closedAt: z.optional(ZInstant),
    closedOnTime: z.optional(z.boolean()),
    satisfied: z.optional(z.boolean()),
    description: z.string(),
    reply: z.string(),
  }),
]);
export type PublicItem = z.infer<typeof ZPublicItem>;

/** One approved disclosure as published. */
export const ZPublicDocument = z
  .object({
    format: z.literal(PUBLIC_FORMAT),
    publicationId: z.string(),
    title: z.string(),
    approvedAt: ZInstant,
    publishedAt: ZInstant,
    items: z.array(ZPublicItem),
  })
  .register(z.globalRegistry, { id: 'PublicDisclosureDocument' });
export type PublicDocument = z.infer<typeof ZPublicDocument>;

/** The publications on the page, newest first. */
export const ZPublicIndex = z
  .object({
    format: z.literal(PUBLIC_FORMAT),
    updatedAt: ZInstant,
    publications: z.array(z.object({ publicationId: z.string(), title: z.string(), publishedAt: ZInstant, file: z.string() })),
  })
  .register(z.globalRegistry, { id: 'PublicDisclosureIndex' });
export type PublicIndex = z.infer<typeof ZPublicIndex>;

/**
 * The hash an approval records: SHA-256 of the canonical JSON of the items (ids and content, redacted texts
 * with their findings), so what was approved can be told apart from anything edited after.
 */
export function contentHashOf(items: readonly DisclosureItem[]): string {
  return createHash('sha256').update(canonicalJson(items)).digest('hex');
}

const published = (t: RedactedText): string => t.text;

/** An item's content as the public reads it: the redacted texts without the findings; scores with their commitment. */
export function publicItem(content: DisclosureContent, commitments: Readonly<Record<string, PublicCommitment>> = {}): PublicItem {
  switch (content.kind) {
    case 'scores':
      return { ...content, commitment: commitments[content.periodId] ?? null };
    case 'kpis':
      return content;
    case 'ledgerItem': {
      const { problem, measures, progress, ...rest } = content;
      return {
        ...rest,
        // Being on the page is what PUBLISHED (公示) means: the ledger's publish transition follows the approval.
        state: rest.state === 'CLOSED' ? 'PUBLISHED' : rest.state,
        problem: published(problem),
        ...(measures ? { measures: published(measures) } : {}),
        progress: progress.map((p) => ({ at: p.at, note: published(p.note) })),
      };
    }
    case 'case': {
      const { description, reply, ...rest } = content;
      return { ...rest, description: published(description), reply: published(reply) };
    }
  }
}

/**
 * The public document of an approved disclosure: its title, approval and publication times and each item's
 * public content. Throws when the disclosure carries no approval: nothing unapproved is ever assembled.
 */
export function publicDocument(d: Disclosure, publicationId: string, publishedAt: Date, commitments: Readonly<Record<string, PublicCommitment>> = {}): PublicDocument {
  if (!d.approval) throw new Error(`disclosure ${d.disclosureId} is not approved`);
  return {
    format: PUBLIC_FORMAT,
    publicationId,
    title: d.title,
    approvedAt: d.approval.at,
    publishedAt: publishedAt.toISOString(),
    items: d.items.map((i) => publicItem(i.content, commitments)),
  };
}

/** The index of the published disclosures (those PUBLISHED, newest publication first). */
export function publicIndex(disclosures: readonly Disclosure[], now: Date): PublicIndex {
  const live = disclosures.filter((d): d is Disclosure & { publication: NonNullable<Disclosure['publication']> } => d.state === 'PUBLISHED' && d.publication !== undefined);
  return {
    format: PUBLIC_FORMAT,
    updatedAt: now.toISOString(),
    publications: live
      .sort((a, b) => b.publication.at.localeCompare(a.publication.at) || a.disclosureId.localeCompare(b.disclosureId))
      .map((d) => ({ publicationId: d.publication.publicationId, title: d.title, publishedAt: d.publication.at, file: d.publication.file })),
  };
}
