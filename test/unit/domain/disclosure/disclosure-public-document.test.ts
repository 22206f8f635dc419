import { describe, expect, it } from 'vitest';
import type { Disclosure } from '../../../../functions/domain/disclosure/disclosure';
import {
  PUBLIC_INDEX_FILE,
  ZPublicDocument,
  ZPublicIndex,
  contentHashOf,
  publicCacheControl,
  publicDocument,
  publicIndex,
  publicationFile,
} from '../../../../functions/domain/disclosure/public-document';
import { ZUnitSnapshot } from '../../../../functions/domain/evaluation/snapshot';
import { aDraftDisclosure, aPublishedDisclosure, aUnitSnapshot } from '../../../fixtures/disclosure';

/** Assembling what the public reads, from an approved disclosure only: the pure half of publishing. */

const PUBLISHED_AT = new Date('2026-06-15T01:00:00Z');

describe('publicDocument', () => {
  it('refuses a disclosure without an approval: nothing unapproved is ever assembled', () => {
    // act
    const assemble = () => publicDocument(aDraftDisclosure(), 'p1', PUBLISHED_AT);

    // assert
    expect(assemble).toThrow(/not approved/);
  });

  it("publishes the redacted texts without what redaction found, and each unit's snapshot exactly as the snapshot API gives it", () => {
    // prepare
    const d = aPublishedDisclosure('p1');

    // act
    const doc = publicDocument(d, 'p1', PUBLISHED_AT);

    // assert
    expect(ZPublicDocument.parse(doc)).toEqual(doc);
    const [scores, ledger] = doc.items;
    expect(scores).toMatchObject({ kind: 'scores', commitment: null });
    if (scores?.kind !== 'scores') throw new Error('no scores');
    expect(scores.units).toEqual([aUnitSnapshot('tax-bureau', 1)]);
    expect(scores.units.map((u) => ZUnitSnapshot.parse(u))).toEqual(scores.units);
    expect(ledger).toMatchObject({ kind: 'ledgerItem', problem: '群众来电（***********）反映多次跑腿。', progress: [{ note: '已修订一次性告知清单。' }] });
    expect(JSON.stringify(doc)).not.toMatch(/findings|sup-1|sup-2/);
    expect(doc).toMatchObject({ approvedAt: d.approval!.at, publishedAt: PUBLISHED_AT.toISOString(), title: d.title });
  });

  it("attaches a period's commitment to its scores", () => {
    // prepare
    const commitment = { root: 'cd'.repeat(32), total: 3, counted: 2, excluded: 1, prefix: 'commitments/2026-annual/p1/' };

    // act
    const doc = publicDocument(aPublishedDisclosure('p1'), 'p1', PUBLISHED_AT, { '2026-annual': commitment });

    // assert
    expect(doc.items[0]).toMatchObject({ kind: 'scores', commitment });
  });
});

describe('publicIndex', () => {
  it('lists only the published disclosures, newest first, by their files', () => {
    // prepare
    const older = aPublishedDisclosure('p-old');
    const newer: Disclosure = { ...aPublishedDisclosure('p-new'), disclosureId: '7f3b5e4d-9c0a-4dbe-8f20-3b4c5d6e7f80', publication: { publicationId: 'p-new', at: '2026-06-20T09:00:00.000+08:00', file: publicationFile('p-new') } };
    const withdrawn: Disclosure = { ...aPublishedDisclosure('p-gone'), disclosureId: '8a4c6f5e-0d1b-4ecf-9031-4c5d6e7f8091', state: 'WITHDRAWN' };

    // act
    const index = publicIndex([older, aDraftDisclosure(), withdrawn, newer], PUBLISHED_AT);

    // assert
    expect(ZPublicIndex.parse(index)).toEqual(index);
    expect(index.publications.map((p) => p.publicationId)).toEqual(['p-new', 'p-old']);
    expect(index.publications[0]!.file).toBe('disclosure/p-new.json');
  });
});

describe('publicCacheControl', () => {
  it('caches the index a minute and every file named by a publication for a year, immutable', () => {
    // act and assert
    expect(publicCacheControl(PUBLIC_INDEX_FILE)).toBe('public, max-age=60');
    expect(publicCacheControl(publicationFile('p1'))).toBe('public, max-age=31536000, immutable');
    expect(publicCacheControl('commitments/2026-annual/p1/root.json')).toBe('public, max-age=31536000, immutable');
  });
});

describe('contentHashOf', () => {
  it('does not depend on key order, and changes with any text', () => {
    // prepare
    const items = aDraftDisclosure().items;
    const edited = structuredClone(items);
    if (edited[1]!.content.kind === 'ledgerItem') edited[1]!.content.problem.text += '。';

    // act and assert
    expect(contentHashOf(items)).toBe(contentHashOf(items.map((i) => ({ content: i.content, itemId: i.itemId }))));
    expect(contentHashOf(edited)).not.toBe(contentHashOf(items));
  });
});
