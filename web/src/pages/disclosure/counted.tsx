import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import * as z from 'zod/mini';
import {
  ZCommitmentRoot,
  ZCommitmentShard,
  lookupKeyOf,
  normalReceiptCode,
  verifyWith,
  type CommitmentEntry,
  type CommitmentRoot,
  type Sha256,
} from '../../../../functions/domain/disclosure/commitment-layout';
import { PUBLIC_INDEX_FILE, PUBLIC_URL_PREFIX } from '../../../../functions/domain/disclosure/public-paths';
import { Field, TextField, focusSoon } from '../../app/components/fields';
import { Frame, Loading, Notice, mount } from '../../app/components/frame';
import { formatDateTime } from '../../app/format';
import { local, messages } from '../../app/i18n';
import { counted } from '../../messages/counted';

/**
 * "Was my rating counted?" (counted.html[?period=<id>&publication=<id>], 我的评价计入了吗): a citizen enters the
 * receipt code of a rating and picks a publication of the period's scores; the page fetches that publication's
 * commitment root and the one proof shard the code's lookup key falls in, and verifies the proof here with
 * WebCrypto, by the layout the server built it with (functions/domain/disclosure/commitment-layout.ts). The code
 * never leaves the page: the shard's name is a prefix of a hash shared with many other ballots. A ballot missing
 * from the chosen publication is looked up in the period's other publications, so a ballot that disappeared
 * between two publications is named as such.
 *
 * The publications come from the public disclosure files (functions/domain/disclosure/public-document.ts: the
 * index at public-paths.ts's place, each publication's scores items with their commitment's folder), read here
 * by the few fields the page needs: that module hashes with node:crypto, which a page cannot load.
 */

// The page is served beside /public/: relative paths, as disclosure.html reads them.
const PUBLIC_ROOT = PUBLIC_URL_PREFIX.slice(1);
const PUBLIC_INDEX = `${PUBLIC_ROOT}${PUBLIC_INDEX_FILE}`;

const ZIndex = z.object({ publications: z.array(z.object({ publicationId: z.string(), title: z.string(), publishedAt: z.string(), file: z.string() })) });
const ZLocalized = z.object({ 'zh-CN': z.string(), en: z.string() });
const ZScoresItem = z.object({
  kind: z.literal('scores'),
  periodId: z.string(),
  periodName: ZLocalized,
  unitNames: z.record(z.string(), ZLocalized),
  commitment: z.nullable(z.object({ root: z.string(), prefix: z.string() })),
});
const ZPublication = z.object({ items: z.array(z.unknown()) });

/** A publication of one period's scores with its ballot commitment. */
interface Choice {
  /** `<publicationId>/<periodId>`: what the picker names it by. */
  id: string;
  publicationId: string;
  title: string;
  publishedAt: string;
  periodId: string;
  periodName: z.infer<typeof ZLocalized>;
  unitNames: Record<string, z.infer<typeof ZLocalized>>;
  /** The root the publication document states, and the folder of the commitment's files. */
  root: string;
  prefix: string;
}

type Outcome =
  | { kind: 'found'; choice: Choice; root: CommitmentRoot; key: string; entry: CommitmentEntry }
  | { kind: 'notFound'; choice: Choice; root: CommitmentRoot; key: string; foundIn: Choice[] }
  | { kind: 'proofFailed'; choice: Choice };

const sha256: Sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));

async function getJson(path: string, cache: RequestCache = 'default'): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, cache });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

/** Every publication of scores with a commitment, newest first, as the public disclosure files list them. */
async function loadChoices(): Promise<Choice[]> {
  // The index changes with each publication (a minute's cache): asked again each time, so a publication made a
  // moment ago is listed; the files it names never change.
  const index = ZIndex.parse(await getJson(PUBLIC_INDEX, 'no-cache'));
  const docs = await Promise.all(index.publications.map(async (p) => ({ p, doc: ZPublication.parse(await getJson(`${PUBLIC_ROOT}${p.file}`)) })));
  return docs.flatMap(({ p, doc }) =>
    doc.items.flatMap((raw) => {
      const item = ZScoresItem.safeParse(raw);
      if (!item.success || !item.data.commitment) return [];
      const { periodId, periodName, unitNames, commitment } = item.data;
      return [{ id: `${p.publicationId}/${periodId}`, publicationId: p.publicationId, title: p.title, publishedAt: p.publishedAt, periodId, periodName, unitNames, ...commitment }];
    }),
  );
}

/** The root file of a publication's commitment, checked against the root its publication document states. */
async function rootOf(choice: Choice): Promise<CommitmentRoot | undefined> {
  const root = ZCommitmentRoot.parse(await getJson(`${PUBLIC_ROOT}${choice.prefix}root.json`));
  return root.root === choice.root && root.periodId === choice.periodId ? root : undefined;
}

/** The entries of a receipt's lookup key in a publication (usually one; none when the ballot is not in it). */
async function entriesOf(choice: Choice, root: CommitmentRoot, key: string): Promise<CommitmentEntry[]> {
  const shard = ZCommitmentShard.parse(await getJson(`${PUBLIC_ROOT}${choice.prefix}proofs/${key.slice(0, root.shardPrefixLength)}.json`));
  return shard.entries.filter((e) => e.key === key);
}

/** Looks a receipt code up in a publication and verifies what it finds. */
async function check(choice: Choice, code: string, others: readonly Choice[]): Promise<Outcome> {
  const root = await rootOf(choice);
  if (!root) return { kind: 'proofFailed', choice };
  const key = await lookupKeyOf(sha256, choice.periodId, code);
  const receipt = { periodId: choice.periodId, receiptCode: code };
  const entries = await entriesOf(choice, root, key);
  if (entries.length > 0) {
    for (const entry of entries) if (await verifyWith(sha256, root.root, receipt, entry)) return { kind: 'found', choice, root, key, entry };
    return { kind: 'proofFailed', choice };
  }
  // Not in this one: was it in another publication of the same period?
  const foundIn: Choice[] = [];
  for (const other of others.filter((o) => o.periodId === choice.periodId && o.id !== choice.id)) {
    const otherRoot = await rootOf(other).catch(() => undefined);
    if (!otherRoot) continue;
    const found = await entriesOf(other, otherRoot, key).catch(() => []);
    for (const entry of found) {
      if (await verifyWith(sha256, otherRoot.root, receipt, entry)) {
        foundIn.push(other);
        break;
      }
    }
  }
  return { kind: 'notFound', choice, root, key, foundIn };
}

function Result({ outcome }: { outcome: Outcome }) {
  const m = messages(counted);
  const reasonOf = (reason: string | undefined) => (reason ? (m.reasons[reason] ?? reason) : '');
  if (outcome.kind === 'proofFailed') {
    return (
      <Notice kind="error" id="counted-result">
        <p>{m.proofFailed}</p>
      </Notice>
    );
  }
  const { choice, root } = outcome;
  const title = `${choice.title} · ${local(choice.periodName)}`;
  return (
    <section class="panel" aria-labelledby="result-heading" id="counted-result" data-outcome={outcome.kind === 'found' ? outcome.entry.status : 'notFound'}>
      <h2 id="result-heading" tabIndex={-1}>
        {m.resultHeading}
      </h2>
      {outcome.kind === 'found' ? (
        <Notice kind={outcome.entry.status === 'counted' ? 'success' : 'info'}>
          <p id="counted-verdict">
            {outcome.entry.status === 'counted' ? m.countedResult({ title }) : m.excludedResult({ title, reason: reasonOf(outcome.entry.reason) })}
          </p>
          {outcome.entry.excludedFor && outcome.entry.excludedFor.length > 0 && (
            <p>
              {m.partlyExcluded({
                units: outcome.entry.excludedFor
                  .map((p) => `${choice.unitNames[p.unitId] ? local(choice.unitNames[p.unitId]!) : p.unitId}（${reasonOf(p.reason)}）`)
                  .join('、'),
              })}
            </p>
          )}
          <p id="counted-verified">{m.verified}</p>
        </Notice>
      ) : (
        <Notice kind="error">
          <p id="counted-verdict">{m.notFound({ title })}</p>
          <p>{m.notFoundHelp}</p>
          {outcome.foundIn.length > 0 && (
            <p id="counted-found-elsewhere">{m.foundElsewhere({ titles: outcome.foundIn.map((c) => `${c.title}（${formatDateTime(c.publishedAt)}）`).join('、') })}</p>
          )}
        </Notice>
      )}
      <details>
        <summary>{m.details}</summary>
        <dl class="commitment-details">
          <dt>{m.totalsLabel}</dt>
          <dd id="counted-totals">{m.totals(root)}</dd>
          <dt>{m.rootLabel}</dt>
          <dd>
            <code id="counted-root">{root.root}</code>
          </dd>
          <dt>{m.keyLabel}</dt>
          <dd>
            <code>{outcome.key}</code>
          </dd>
          {outcome.kind === 'found' && (
            <>
              <dt>{m.stepsLabel}</dt>
              <dd>{outcome.entry.proof.length}</dd>
            </>
          )}
        </dl>
        <p class="muted small">{m.howTo}</p>
      </details>
    </section>
  );
}

const linked = new URLSearchParams(location.search);

function Counted() {
  const m = messages(counted);
  const choices = useSignal<Choice[] | 'loading' | 'failed'>('loading');
  const chosen = useSignal('');
  const code = useSignal('');
  const codeError = useSignal<string | undefined>(undefined);
  const busy = useSignal(false);
  const failed = useSignal(false);
  const outcome = useSignal<Outcome | undefined>(undefined);

  const load = async () => {
    choices.value = 'loading';
    try {
      const list = await loadChoices();
      const wanted = list.find((c) => c.periodId === linked.get('period') && (!linked.get('publication') || c.publicationId === linked.get('publication')));
      chosen.value = (wanted ?? list[0])?.id ?? '';
      choices.value = list;
    } catch {
      choices.value = 'failed';
    }
  };
  useEffect(() => void load(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const list = choices.value;
    if (busy.value || !Array.isArray(list)) return;
    const normal = normalReceiptCode(code.value);
    codeError.value = normal ? undefined : m.codeInvalid;
    outcome.value = undefined;
    failed.value = false;
    if (!normal) {
      focusSoon('receipt-code');
      return;
    }
    const choice = list.find((c) => c.id === chosen.value);
    if (!choice) return;
    busy.value = true;
    try {
      outcome.value = await check(choice, normal, list);
      focusSoon(outcome.value.kind === 'proofFailed' ? 'counted-result' : 'result-heading');
    } catch {
      failed.value = true;
      focusSoon('counted-failure');
    } finally {
      busy.value = false;
    }
  };

  const list = choices.value;
  return (
    <Frame title={m.title}>
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      <p class="muted small">{m.privacy}</p>
      {list === 'loading' && <Loading />}
      {list === 'failed' && (
        <Notice kind="error" id="counted-load-failed">
          <p>{m.loadFailed}</p>
          <button type="button" class="secondary" onClick={() => void load()}>
            {m.tryAgain}
          </button>
        </Notice>
      )}
      {Array.isArray(list) && list.length === 0 && (
        <Notice kind="info" id="counted-none">
          <p>{m.noPublications}</p>
        </Notice>
      )}
      {Array.isArray(list) && list.length > 0 && (
        <form id="counted-form" noValidate onSubmit={(e) => void submit(e)}>
          <Field id="publication" label={m.publicationLabel}>
            {(describedBy) => (
              <select id="publication" name="publication" value={chosen.value} aria-describedby={describedBy} onChange={(e) => (chosen.value = (e.currentTarget as HTMLSelectElement).value)}>
                {list.map((c) => (
                  <option key={c.id} value={c.id}>
                    {m.publicationOption({ title: c.title, period: local(c.periodName), at: formatDateTime(c.publishedAt) })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField id="receipt-code" label={m.codeLabel} hint={m.codeHint} value={code.value} onInput={(v) => (code.value = v)} error={codeError.value} maxLength={20} />
          <button type="submit" class="primary" id="counted-submit" disabled={busy.value}>
            {busy.value ? m.checking : m.check}
          </button>
        </form>
      )}
      {failed.value && (
        <Notice kind="error" id="counted-failure">
          <p>{m.fetchFailed}</p>
        </Notice>
      )}
      {outcome.value && <Result outcome={outcome.value} />}
      <p class="footer-link">
        <a href="./">← {m.backHome}</a>
      </p>
    </Frame>
  );
}

mount(<Counted />);
