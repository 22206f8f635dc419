import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { fill } from '../messages';
import { ContentIssue, contentIssue, drawContent, redacted } from './content';
import type {
  Disclosure,
  DisclosureContent,
  DisclosureDetail,
  DisclosureEditInput,
  DisclosureEvent,
  DisclosureInput,
  DisclosureItem,
  DisclosureList,
  RedactedText,
} from './disclosure';
import { DISCLOSURE_MESSAGES as M } from './messages';
import { editableTexts } from './texts';
import type { DisclosureActor, DisclosureDeps } from './ports';
import { PUBLIC_INDEX_FILE, contentHashOf, publicDocument, publicIndex, publicationFile, type PublicCommitment } from './public-document';

/**
 * The disclosure use cases (公示): a supervisor proposes (the content drawn and redacted), an approver edits the
 * redacted texts and approves one revision, which publishes it; a published disclosure may be withdrawn. Each
 * step is an append-only event, written with the disclosure in one transaction on the revision read, so of two
 * approvals of one draft exactly one wins and a draft changed since it was read is never approved.
 */

/**
 * The most a disclosure may weigh as stored (JSON bytes): DynamoDB keeps an item up to 400 KB with its keys.
 * A period's scores take about 0.5 KB per unit, a case up to a few KB.
 */
export const DISCLOSURE_MAX_BYTES = 350_000;

/** Issues when a disclosure is heavier than one item may be. */
function sizeIssues(d: Disclosure, path: string): FieldIssue[] {
  const bytes = new TextEncoder().encode(JSON.stringify(d)).length;
  if (bytes <= DISCLOSURE_MAX_BYTES) return [];
  return [{ path, message: fill(M.tooLarge, { kb: Math.ceil(bytes / 1000), max: DISCLOSURE_MAX_BYTES / 1000 }) }];
}

/** What key an item's content is known by: the same thing proposed twice is refused. */
const itemKey = (input: DisclosureInput['items'][number]): string =>
  input.kind === 'scores' ? `scores:${input.periodId}` : input.kind === 'kpis' ? `kpis:${input.from}:${input.to}` : `case:${input.caseId}`;

function event(d: Disclosure, action: DisclosureEvent['action'], from: DisclosureEvent['from'], by: string, at: string, extra: Partial<DisclosureEvent> = {}): DisclosureEvent {
  return { disclosureId: d.disclosureId, seq: d.rev, at, by, action, from, to: d.state, ...extra };
}

/** Proposes a disclosure: each item drawn from the data now, every free text redacted; a draft at rev 1. */
export async function proposeDisclosure(deps: DisclosureDeps, actor: DisclosureActor, input: DisclosureInput): Promise<Disclosure> {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  input.items.forEach((item, i) => {
    const key = itemKey(item);
    if (seen.has(key)) issues.push({ path: `items.${i}`, message: M.duplicateItem });
    seen.set(key, i);
  });
  const drawn = await Promise.all(
    input.items.map(async (item, i): Promise<DisclosureContent | undefined> => {
      try {
        return await drawContent(deps, item);
      } catch (error) {
        if (error instanceof ContentIssue) issues.push(contentIssue(i, error));
        else if (error instanceof ValidationError) issues.push(...error.fields.map((f) => ({ ...f, path: `items.${i}.${f.path}` })));
        else throw error;
        return undefined;
      }
    }),
  );
  if (issues.length > 0) throw new ValidationError(issues.sort((a, b) => a.path.localeCompare(b.path)));
  const at = deps.now().toISOString();
  const d: Disclosure = {
    disclosureId: deps.newId(),
    title: input.title,
    state: 'DRAFT',
    items: drawn.map((content, i) => ({ itemId: `i${i + 1}`, content: content! })),
    proposedBy: actor.sub,
    proposedAt: at,
    rev: 1,
    updatedAt: at,
  };
  const tooLarge = sizeIssues(d, 'items');
  if (tooLarge.length > 0) throw new ValidationError(tooLarge);
  await deps.createDisclosure(d, event(d, 'propose', null, actor.sub, at));
  return d;
}

/** A disclosure that exists; NotFoundError otherwise. */
async function existing(deps: Pick<DisclosureDeps, 'getDisclosure'>, disclosureId: string): Promise<Disclosure> {
  const d = await deps.getDisclosure(disclosureId);
  if (!d) throw new NotFoundError('disclosure', disclosureId);
  return d;
}

/** The disclosure must be in `state` and at `rev`: 409 illegalTransition, or 409 staleRevision. */
function expect(d: Disclosure, state: Disclosure['state'], action: DisclosureEvent['action'], rev: number): void {
  if (d.state !== state) throw new ConflictError('disclosureState', { from: d.state, action });
  if (d.rev !== rev) throw new ConflictError('staleRevision', { rev: d.rev });
}

/** The content with the text at `path` replaced (the path is one of editableTexts'). */
function withText(content: DisclosureContent, path: string, value: RedactedText): DisclosureContent {
  if (content.kind === 'case') return { ...content, [path]: value };
  if (content.kind === 'ledgerItem') {
    const step = /^progress\.(\d+)\.note$/.exec(path);
    if (!step) return { ...content, [path]: value };
    const at = Number(step[1]);
    return { ...content, progress: content.progress.map((p, i) => (i === at ? { ...p, note: value } : p)) };
  }
  return content;
}

/**
 * An approver's edits to a draft's redacted texts (each redacted again, whatever was typed) and items left out,
 * at the revision read: a new revision, which is what an approval must then name.
 */
export async function editDisclosure(deps: DisclosureDeps, actor: DisclosureActor, disclosureId: string, input: DisclosureEditInput): Promise<Disclosure> {
  const d = await existing(deps, disclosureId);
  expect(d, 'DRAFT', 'edit', input.rev);
  const issues: FieldIssue[] = [];
  const byId = new Map(d.items.map((i) => [i.itemId, i] as const));
  (input.remove ?? []).forEach((itemId, i) => {
    if (!byId.has(itemId)) issues.push({ path: `remove.${i}`, message: fill(M.unknownItem, { id: itemId }) });
  });
  const removed = new Set(input.remove ?? []);
  let items: DisclosureItem[] = d.items.filter((i) => !removed.has(i.itemId));
  (input.edits ?? []).forEach((edit, i) => {
    const item = items.find((it) => it.itemId === edit.itemId);
    if (!item) return issues.push({ path: `edits.${i}.itemId`, message: fill(M.unknownItem, { id: edit.itemId }) });
    if (!(edit.path in editableTexts(item.content))) return issues.push({ path: `edits.${i}.path`, message: fill(M.unknownField, { id: edit.itemId, path: edit.path }) });
    items = items.map((it) => (it === item ? { ...it, content: withText(it.content, edit.path, redacted(edit.text)) } : it));
  });
  if (items.length === 0) issues.push({ path: 'remove', message: M.required });
  if (issues.length > 0) throw new ValidationError(issues);
  const at = deps.now().toISOString();
  const next: Disclosure = { ...d, items, rev: d.rev + 1, updatedAt: at };
  const tooLarge = sizeIssues(next, 'edits');
  if (tooLarge.length > 0) throw new ValidationError(tooLarge);
  await deps.saveDisclosure(next, event(next, 'edit', d.state, actor.sub, at), d.rev);
  return next;
}

/** Rewrites the public index from the disclosures published now. */
async function writeIndex(deps: Pick<DisclosureDeps, 'listDisclosures' | 'publicFiles' | 'now'>): Promise<void> {
  await deps.publicFiles.put(PUBLIC_INDEX_FILE, JSON.stringify(publicIndex(await deps.listDisclosures(), deps.now())));
}

/** The result of an approval: the disclosure as published, and the ledger items whose publish transition could not be applied. */
export interface ApprovalResult {
  disclosure: Disclosure;
  /** Ledger items published but still short of their PUBLISHED state (the ledger refused or failed); empty normally. */
  ledgerItemsNotMarked: string[];
}

/**
 * Approves a draft at the revision the approver read, and publishes exactly it: the approval (who, when, which
 * revision, the hash of the content) and the publication are one conditional write, made after the publication's
 * own file is written and before the index names it. A period's scores go out with their ballot commitment; a
 * closed ledger item published moves to PUBLISHED (the ledger's transition). Approving twice, or a revision that
 * is no longer the draft's, answers 409 and publishes nothing.
 */
export async function approveDisclosure(deps: DisclosureDeps, actor: DisclosureActor, disclosureId: string, input: { rev: number }): Promise<ApprovalResult> {
  const d = await existing(deps, disclosureId);
  expect(d, 'DRAFT', 'approve', input.rev);
  const publicationId = deps.newId();
  const now = deps.now();
  const at = now.toISOString();

  const commitments: Record<string, PublicCommitment> = {};
  const commitmentPrefixes: string[] = [];
  if (deps.commitPeriodBallots) {
    for (const item of d.items) {
      if (item.content.kind !== 'scores') continue;
      const commitment = await deps.commitPeriodBallots({ periodId: item.content.periodId, publicationId });
      for (const file of commitment.files) await deps.publicFiles.put(file.path, file.body);
      const prefix = commonFolder(commitment.files.map((f) => f.path));
      commitments[item.content.periodId] = { root: commitment.root, total: commitment.total, counted: commitment.counted, excluded: commitment.excluded, prefix };
      commitmentPrefixes.push(prefix);
    }
  }

  const file = publicationFile(publicationId);
  const approved: Disclosure = {
    ...d,
    state: 'PUBLISHED',
    approval: { by: actor.sub, at, rev: d.rev, contentHash: contentHashOf(d.items) },
    publication: { publicationId, at, file, ...(commitmentPrefixes.length > 0 ? { commitmentPrefixes } : {}) },
    rev: d.rev + 1,
    updatedAt: at,
  };
  // The file first, under a name nothing links to yet; the index names it only once the approval is stored.
  await deps.publicFiles.put(file, JSON.stringify(publicDocument(approved, publicationId, now, commitments)));
  try {
    await deps.saveDisclosure(approved, event(approved, 'approve', d.state, actor.sub, at, { contentHash: approved.approval!.contentHash, publicationId }), d.rev);
  } catch (error) {
    await deps.publicFiles.remove(file);
    throw error;
  }
  await writeIndex(deps);
  return { disclosure: approved, ledgerItemsNotMarked: await markLedgerItems(deps, approved, actor) };
}

/** The folder the paths share (`commitments/<id>/`), or '' when they share none. */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let prefix = paths[0]!.slice(0, paths[0]!.lastIndexOf('/') + 1);
  for (const p of paths) while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
  return prefix;
}

/** Applies the publish transition of each closed ledger item of a published disclosure; the ids it could not. */
async function markLedgerItems(deps: DisclosureDeps, d: Disclosure, actor: DisclosureActor): Promise<string[]> {
  const publish = deps.publishLedgerItem;
  if (!publish) return [];
  const ids = d.items.flatMap((i) => (i.content.kind === 'ledgerItem' ? [i.content.caseId] : []));
  const results = await Promise.allSettled(
    ids.map(async (caseId) => {
      const item = await deps.getLedgerItem(caseId);
      if (item?.state === 'CLOSED') await publish(caseId, actor.sub);
    }),
  );
  return ids.filter((_, i) => results[i]!.status === 'rejected');
}

/**
 * Withdraws a published disclosure at the revision read, with a reason kept for staff: the index no longer
 * names it, and its file is deleted (on AWS also from CloudFront's cache: store/disclosure/public-files.ts).
 * Retry-safe: the withdrawal is saved first, and the same request again completes a cleanup that failed.
 */
export async function withdrawDisclosure(deps: DisclosureDeps, actor: DisclosureActor, disclosureId: string, input: { rev: number; reason: string }): Promise<Disclosure> {
  const d = await existing(deps, disclosureId);
  // The same withdrawal sent again — by whoever made it, at the revision it was made at — after its cleanup failed
  // (a 503: the index, the file or the cache invalidation): the withdrawal stands, and the cleanup runs again.
  const again = d.state === 'WITHDRAWN' && d.rev === input.rev + 1 && d.withdrawal?.by === actor.sub;
  let next = d;
  if (!again) {
    expect(d, 'PUBLISHED', 'withdraw', input.rev);
    const at = deps.now().toISOString();
    next = { ...d, state: 'WITHDRAWN', withdrawal: { by: actor.sub, at, reason: input.reason }, rev: d.rev + 1, updatedAt: at };
    await deps.saveDisclosure(next, event(next, 'withdraw', d.state, actor.sub, at, { note: input.reason }), d.rev);
  }
  await writeIndex(deps);
  if (d.publication) await deps.publicFiles.remove(d.publication.file);
  return next;
}

/** A disclosure with its events. */
export async function getDisclosure(deps: Pick<DisclosureDeps, 'getDisclosure' | 'listDisclosureEvents'>, disclosureId: string): Promise<DisclosureDetail> {
  const [disclosure, events] = await Promise.all([existing(deps, disclosureId), deps.listDisclosureEvents(disclosureId)]);
  return { disclosure, events };
}

/** Every disclosure, newest proposal first, without content. */
export async function listDisclosures(deps: Pick<DisclosureDeps, 'listDisclosures'>): Promise<DisclosureList> {
  return {
    disclosures: (await deps.listDisclosures()).map((d) => ({
      disclosureId: d.disclosureId,
      title: d.title,
      state: d.state,
      items: d.items.length,
      proposedAt: d.proposedAt,
      rev: d.rev,
      ...(d.publication ? { publishedAt: d.publication.at } : {}),
    })),
  };
}
