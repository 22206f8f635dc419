import { describe, expect, it } from 'vitest';
import type { Case } from '../../../../functions/domain/cases/case';
import type { Disclosure, DisclosureEvent } from '../../../../functions/domain/disclosure/disclosure';
import type { BallotCommitment, DisclosureDeps } from '../../../../functions/domain/disclosure/ports';
import { PUBLIC_INDEX_FILE, type PublicDocument, type PublicIndex } from '../../../../functions/domain/disclosure/public-document';
import { approveDisclosure, editDisclosure, proposeDisclosure, withdrawDisclosure } from '../../../../functions/domain/disclosure/workflow';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import type { LedgerItem } from '../../../../functions/domain/ledger/ledger';
import { aCase } from '../../../fixtures/cases';
import { aPeriod, aUnit } from '../../../fixtures/catalog';
import { aSnapshotDay, aUnitSnapshot } from '../../../fixtures/disclosure';
import { aLedgerItem } from '../../../fixtures/ledger';

/**
 * The disclosure use cases over in-memory ports: what a supervisor proposes is drawn and redacted at once,
 * an approval publishes exactly the revision approved and nothing else, approving twice or a stale revision
 * is refused with nothing written, and a withdrawn disclosure leaves the index.
 */

const NOW = new Date('2026-06-15T02:00:00Z');
const SUP = { sub: 'sup-1' };
const APPROVER = { sub: 'sup-2' };
const PHONE = '13912345678';

const closedCase = (overrides: Partial<Case> = {}): Case =>
  aCase({
    caseId: '11111111-2222-4333-8444-555555555555',
    state: 'CLOSED',
    unitId: 'tax-bureau',
    description: `周六不开窗口，排队两小时。联系电话 ${PHONE}。`,
    reply: { text: `已联系市民张伟（${PHONE}），周六窗口已开放。`, at: '2026-06-10T02:00:00Z' },
    closedAt: '2026-06-11T02:00:00Z',
    closedOnTime: true,
    callbackCount: 1,
    callback: { satisfied: true, comment: '满意', at: '2026-06-11T02:00:00Z' },
    ...overrides,
  });

/** Ports over plain values; `files` is the public root, `saved` every write. */
function memoryDeps(seed: { cases?: Case[]; ledger?: LedgerItem[]; commitment?: BallotCommitment } = {}) {
  const disclosures = new Map<string, Disclosure>();
  const events: DisclosureEvent[] = [];
  const files = new Map<string, string>();
  const published: string[] = [];
  let ids = 0;
  const deps: DisclosureDeps = {
    getDisclosure: async (id) => disclosures.get(id),
    listDisclosures: async () => [...disclosures.values()].reverse(),
    listDisclosureEvents: async (id) => events.filter((e) => e.disclosureId === id),
    async createDisclosure(d, e) {
      disclosures.set(d.disclosureId, structuredClone(d));
      events.push(e);
    },
    async saveDisclosure(d, e, expectedRev) {
      if (disclosures.get(d.disclosureId)?.rev !== expectedRev) throw new ConflictError('staleRevision', { rev: expectedRev });
      disclosures.set(d.disclosureId, structuredClone(d));
      events.push(e);
    },
    getPeriod: async (id) => (id === '2026-annual' ? aPeriod() : undefined),
    listSnapshotDays: async () => [aSnapshotDay()],
    lastUnitSnapshot: async (_, unitId) => (unitId === 'tax-bureau' ? aUnitSnapshot('tax-bureau', 1) : aUnitSnapshot(unitId, null, { n: 3 })),
    listUnits: async () => [aUnit(), aUnit({ unitId: 'service-centre' })],
    getUnit: async (id) => aUnit({ unitId: id }),
    getCase: async (id) => seed.cases?.find((c) => c.caseId === id),
    getLedgerItem: async (id) => seed.ledger?.find((i) => i.caseId === id),
    ledgerCategories: async () => [{ id: 'serving-people', name: { 'zh-CN': '服务群众和办事效率方面', en: 'Serving the people' } }],
    listUnitCases: async () => seed.cases ?? [],
    listCasesOfMonths: async () => seed.cases ?? [],
    publicFiles: {
      put: async (path, body) => void files.set(path, body),
      remove: async (path) => void files.delete(path),
    },
    ...(seed.commitment ? { commitPeriodBallots: async () => seed.commitment! } : {}),
    publishLedgerItem: async (caseId) => void published.push(caseId),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    now: () => NOW,
  };
  return { deps, disclosures, events, files, published };
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('proposeDisclosure', () => {
  it('draws a closed case and redacts its description and reply before anything is stored', async () => {
    // prepare
    const { deps, disclosures } = memoryDeps({ cases: [closedCase()] });

    // act
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });

    // assert
    const content = d.items[0]!.content;
    if (content.kind !== 'case') throw new Error(content.kind);
    expect(content.reply.text).toBe('已联系市民张某（***********），周六窗口已开放。');
    expect(content.reply.findings.map((f) => f.kind)).toEqual(['name', 'mobile']);
    expect(content.description.text).not.toContain(PHONE);
    expect(content).toMatchObject({ state: 'CLOSED', closedOnTime: true, satisfied: true, unit: { unitId: 'tax-bureau' } });
    expect(JSON.stringify([...disclosures.values()])).not.toContain(PHONE);
    expect(JSON.stringify([...disclosures.values()])).not.toContain('张伟');
    expect(d).toMatchObject({ state: 'DRAFT', rev: 1, proposedBy: 'sup-1' });
  });

  it("embeds each unit's snapshot of the period's last snapshot day exactly, best rank first, with the units' names", async () => {
    // prepare
    const { deps } = memoryDeps();

    // act
    const d = await proposeDisclosure(deps, SUP, { title: '得分公示', items: [{ kind: 'scores', periodId: '2026-annual' }] });

    // assert
    const content = d.items[0]!.content;
    if (content.kind !== 'scores') throw new Error(content.kind);
    expect(content.units).toEqual([aUnitSnapshot('tax-bureau', 1), aUnitSnapshot('service-centre', null, { n: 3 })]);
    expect(Object.keys(content.unitNames)).toEqual(['tax-bureau', 'service-centre']);
    expect(content.day).toBe(aSnapshotDay().day);
  });

  it('draws a ledger item marked for publication with its measures and progress redacted, never its owner or leader', async () => {
    // prepare
    const item = aLedgerItem('CLOSED', { disclose: true, progress: [{ text: `已回访群众李娜，电话 ${PHONE}。`, at: '2026-06-12T02:00:00Z' }] });
    const { deps } = memoryDeps({ ledger: [item] });

    // act
    const d = await proposeDisclosure(deps, SUP, { title: '整改公示', items: [{ kind: 'ledgerItem', caseId: item.caseId }] });

    // assert
    const content = d.items[0]!.content;
    if (content.kind !== 'ledgerItem') throw new Error(content.kind);
    expect(content.progress[0]!.note.text).not.toContain(PHONE);
    expect(content.measures?.text).toBe(item.measures);
    expect(content.category.name['zh-CN']).toBe('服务群众和办事效率方面');
    expect(JSON.stringify(content)).not.toContain(item.owner!);
    expect(JSON.stringify(content)).not.toContain('李明');
  });

  it('names every item that cannot be disclosed, and stores nothing', async () => {
    // prepare
    const open = closedCase({ caseId: '22222222-2222-4333-8444-555555555555', state: 'IN_PROGRESS' });
    const unmarked = aLedgerItem('CLOSED', { disclose: false });
    const { deps, disclosures } = memoryDeps({ cases: [open], ledger: [unmarked] });

    // act
    const error = await refusal(
      proposeDisclosure(deps, SUP, {
        title: '公示',
        items: [
          { kind: 'scores', periodId: 'no-such-period' },
          { kind: 'case', caseId: open.caseId },
          { kind: 'ledgerItem', caseId: unmarked.caseId },
          // a ledger item is no case (and the same id twice)
          { kind: 'case', caseId: unmarked.caseId },
          { kind: 'kpis', from: '2026-06-30', to: '2026-06-01' },
          { kind: 'case', caseId: open.caseId },
        ],
      }),
    );

    // assert
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual([
      'items.0.periodId',
      'items.1.caseId',
      'items.2.caseId',
      'items.3',
      'items.3.caseId',
      'items.4.from',
      'items.5',
      'items.5.caseId',
    ]);
    expect(disclosures.size).toBe(0);
  });
});

describe('editDisclosure', () => {
  it('redacts what the approver types, and raises the revision', async () => {
    // prepare
    const { deps } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });

    // act
    const edited = await editDisclosure(deps, APPROVER, d.disclosureId, { rev: 1, edits: [{ itemId: 'i1', path: 'reply', text: `已答复，咨询电话 139-1234-5678。` }] });

    // assert
    const content = edited.items[0]!.content;
    if (content.kind !== 'case') throw new Error(content.kind);
    expect(content.reply.text).not.toMatch(/1234/);
    expect(content.reply.findings).toEqual([expect.objectContaining({ kind: 'mobile' })]);
    expect(edited.rev).toBe(2);
  });

  it('refuses a stale revision (409) and a path that is no text of the item (400)', async () => {
    // prepare
    const { deps } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });
    await editDisclosure(deps, APPROVER, d.disclosureId, { rev: 1, remove: [] });

    // act
    const stale = await refusal(editDisclosure(deps, APPROVER, d.disclosureId, { rev: 1, edits: [{ itemId: 'i1', path: 'reply', text: '改' }] }));
    const badPath = await refusal(editDisclosure(deps, APPROVER, d.disclosureId, { rev: 2, edits: [{ itemId: 'i1', path: 'unit', text: '改' }] }));

    // assert
    expect(stale).toMatchObject({ reason: 'staleRevision' });
    expect((badPath as ValidationError).fields.map((f) => f.path)).toEqual(['edits.0.path']);
  });
});

describe('approveDisclosure', () => {
  it('publishes exactly the approved revision: its file and the index, with who approved which revision and its hash', async () => {
    // prepare
    const { deps, files, events } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });
    expect(files.size).toBe(0);

    // act
    const { disclosure } = await approveDisclosure(deps, APPROVER, d.disclosureId, { rev: 1 });

    // assert
    expect(disclosure).toMatchObject({ state: 'PUBLISHED', rev: 2, approval: { by: 'sup-2', rev: 1, at: NOW.toISOString() } });
    expect(disclosure.approval!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const index = JSON.parse(files.get(PUBLIC_INDEX_FILE)!) as PublicIndex;
    expect(index.publications).toEqual([{ publicationId: disclosure.publication!.publicationId, title: '六月公示', publishedAt: NOW.toISOString(), file: disclosure.publication!.file }]);
    const doc = JSON.parse(files.get(disclosure.publication!.file)!) as PublicDocument;
    expect(doc.items[0]).toMatchObject({ kind: 'case', reply: '已联系市民张某（***********），周六窗口已开放。' });
    expect(files.get(disclosure.publication!.file)).not.toContain('findings');
    expect(events.map((e) => e.action)).toEqual(['propose', 'approve']);
    expect(events[1]).toMatchObject({ by: 'sup-2', from: 'DRAFT', to: 'PUBLISHED', contentHash: disclosure.approval!.contentHash });
  });

  it('refuses to approve twice (409) and a revision the draft has moved past (409), publishing nothing more', async () => {
    // prepare
    const { deps, files } = memoryDeps({ cases: [closedCase()] });
    const once = await proposeDisclosure(deps, SUP, { title: '一', items: [{ kind: 'case', caseId: closedCase().caseId }] });
    await approveDisclosure(deps, APPROVER, once.disclosureId, { rev: 1 });
    const changed = await proposeDisclosure(deps, SUP, { title: '二', items: [{ kind: 'kpis', from: '2026-06-01', to: '2026-06-30' }] });
    await editDisclosure(deps, SUP, changed.disclosureId, { rev: 1, remove: [] });
    const before = new Map(files);

    // act
    const twice = await refusal(approveDisclosure(deps, APPROVER, once.disclosureId, { rev: 2 }));
    const stale = await refusal(approveDisclosure(deps, APPROVER, changed.disclosureId, { rev: 1 }));

    // assert
    expect(twice).toMatchObject({ reason: 'disclosureState', params: { from: 'PUBLISHED', action: 'approve' } });
    expect(stale).toMatchObject({ reason: 'staleRevision' });
    expect(files).toEqual(before);
  });

  it("publishes a period's scores with the ballot commitment's root, counts and files", async () => {
    // prepare
    const commitment: BallotCommitment = {
      root: 'ab'.repeat(32),
      total: 250,
      counted: 240,
      excluded: 10,
      files: [
        { path: 'commitments/2026-annual/p/root.json', body: '{}' },
        { path: 'commitments/2026-annual/p/proofs/0a.json', body: '[]' },
      ],
    };
    const { deps, files } = memoryDeps({ commitment });
    const d = await proposeDisclosure(deps, SUP, { title: '得分', items: [{ kind: 'scores', periodId: '2026-annual' }] });

    // act
    const { disclosure } = await approveDisclosure(deps, APPROVER, d.disclosureId, { rev: 1 });

    // assert
    const doc = JSON.parse(files.get(disclosure.publication!.file)!) as PublicDocument;
    expect(doc.items[0]).toMatchObject({ kind: 'scores', commitment: { root: commitment.root, total: 250, counted: 240, excluded: 10, prefix: 'commitments/2026-annual/p/' } });
    expect(files.get('commitments/2026-annual/p/proofs/0a.json')).toBe('[]');
    expect(disclosure.publication!.commitmentPrefixes).toEqual(['commitments/2026-annual/p/']);
  });

  it('moves a closed ledger item it publishes to PUBLISHED, and shows it so', async () => {
    // prepare
    const item = aLedgerItem('CLOSED', { disclose: true });
    const { deps, files, published } = memoryDeps({ ledger: [item] });
    const d = await proposeDisclosure(deps, SUP, { title: '整改', items: [{ kind: 'ledgerItem', caseId: item.caseId }] });

    // act
    const result = await approveDisclosure(deps, APPROVER, d.disclosureId, { rev: 1 });

    // assert
    expect(published).toEqual([item.caseId]);
    expect(result.ledgerItemsNotMarked).toEqual([]);
    const doc = JSON.parse(files.get(result.disclosure.publication!.file)!) as PublicDocument;
    expect(doc.items[0]).toMatchObject({ kind: 'ledgerItem', state: 'PUBLISHED' });
  });

  it('answers NotFound for no such disclosure', async () => {
    // act
    const error = await refusal(approveDisclosure(memoryDeps().deps, APPROVER, '99999999-9999-4999-8999-999999999999', { rev: 1 }));

    // assert
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('withdrawDisclosure', () => {
  it('takes a published disclosure off the index and deletes its file', async () => {
    // prepare
    const { deps, files } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });
    const { disclosure } = await approveDisclosure(deps, APPROVER, d.disclosureId, { rev: 1 });

    // act
    const withdrawn = await withdrawDisclosure(deps, APPROVER, d.disclosureId, { rev: 2, reason: '答复有误' });

    // assert
    expect(withdrawn).toMatchObject({ state: 'WITHDRAWN', withdrawal: { by: 'sup-2', reason: '答复有误' } });
    expect((JSON.parse(files.get(PUBLIC_INDEX_FILE)!) as PublicIndex).publications).toEqual([]);
    expect(files.has(disclosure.publication!.file)).toBe(false);
  });

  it("completes a withdrawal whose file deletion failed when the same request comes again, once; another supervisor's gets 409", async () => {
    // prepare: the first attempt saves the withdrawal, rewrites the index, then cannot delete the file
    const { deps, files, events } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });
    const { disclosure } = await approveDisclosure(deps, APPROVER, d.disclosureId, { rev: 1 });
    const remove = deps.publicFiles.remove;
    deps.publicFiles.remove = () => Promise.reject(Object.assign(new Error('Service Unavailable'), { $metadata: { httpStatusCode: 503 } }));
    const failed = await refusal(withdrawDisclosure(deps, APPROVER, d.disclosureId, { rev: 2, reason: '答复有误' }));
    deps.publicFiles.remove = remove;

    // act
    const other = await refusal(withdrawDisclosure(deps, SUP, d.disclosureId, { rev: 2, reason: '另一位' }));
    const again = await withdrawDisclosure(deps, APPROVER, d.disclosureId, { rev: 2, reason: '答复有误' });

    // assert
    expect(failed.message).toBe('Service Unavailable');
    expect(files.has(disclosure.publication!.file)).toBe(false);
    expect(other).toMatchObject({ reason: 'disclosureState', params: { from: 'WITHDRAWN', action: 'withdraw' } });
    expect(again).toMatchObject({ state: 'WITHDRAWN', rev: 3, withdrawal: { by: 'sup-2', reason: '答复有误' } });
    expect(events.filter((e) => e.action === 'withdraw')).toHaveLength(1);
  });

  it('refuses to withdraw a draft (409)', async () => {
    // prepare
    const { deps } = memoryDeps({ cases: [closedCase()] });
    const d = await proposeDisclosure(deps, SUP, { title: '六月公示', items: [{ kind: 'case', caseId: closedCase().caseId }] });

    // act
    const error = await refusal(withdrawDisclosure(deps, APPROVER, d.disclosureId, { rev: 1, reason: '不公示了' }));

    // assert
    expect(error).toMatchObject({ reason: 'disclosureState', params: { from: 'DRAFT', action: 'withdraw' } });
  });
});
