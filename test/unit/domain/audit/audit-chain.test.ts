import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainAppender } from '../../../../functions/domain/audit/append';
import {
  GENESIS_HASH,
  digestOf,
  nextRecord,
  paddedSequence,
  recordHash,
  type AppendOutcome,
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
} from '../../../../functions/domain/audit/chain';
import { sourceKey, type AuditAppendDeps, type AuditSourceKind, type AuditVerifyDeps, type SourceState } from '../../../../functions/domain/audit/ports';
import { verifyChain } from '../../../../functions/domain/audit/verify';

const NOW = new Date('2026-11-29T02:00:00Z');
const KINDS: Record<string, AuditSourceKind> = { cases: 'appendOnly', tallies: 'versioned' };

/**
 * The audit table and two chained tables as plain maps, with the store's rules: an append is taken only on
 * the head it was made from, and only for a source version newer than the one its marker names.
 */
function fakeAudit() {
  let head: ChainHead | undefined;
  const records = new Map<number, Record<string, unknown>>();
  const markers = new Map<string, { seq: number; streamSequence: string }>();
  const sources = new Map<string, Record<string, unknown>>();
  const appendCalls: number[] = [];
  const sleeps: number[] = [];

  const chain: AuditAppendDeps = {
    async append(record, expected, kind): Promise<AppendOutcome> {
      appendCalls.push(record.seq);
      const key = sourceKey(record.source);
      const marker = markers.get(key);
      if (marker && (kind === 'appendOnly' || marker.streamSequence >= paddedSequence(record.streamSequence))) return { kind: 'duplicate' };
      if (head?.seq !== expected?.seq || head?.hash !== expected?.hash) return { kind: 'headMoved', head };
      head = { seq: record.seq, hash: record.hash };
      records.set(record.seq, { ...record });
      markers.set(key, { seq: record.seq, streamSequence: paddedSequence(record.streamSequence) });
      return { kind: 'appended' };
    },
    now: () => NOW,
  };

  const verify: AuditVerifyDeps = {
    readHead: async () => head,
    readRecord: async (seq) => records.get(seq),
    async *recordPages(afterSeq) {
      const ordered = [...records.entries()].filter(([seq]) => seq > afterSeq).sort(([a], [b]) => a - b).map(([, r]) => r);
      for (let i = 0; i < ordered.length; i += 3) yield ordered.slice(i, i + 3);
    },
    async sourceStates(list) {
      return new Map(
        list.map((s): [string, SourceState] => {
          const item = sources.get(sourceKey(s));
          return [sourceKey(s), { marker: markers.get(sourceKey(s)), digest: item ? digestOf(item) : null }];
        }),
      );
    },
    kindOf: (table) => KINDS[table],
    sleep: async (ms) => void sleeps.push(ms),
    now: () => NOW,
  };

  /** Writes a source item and returns its chain entry, as its stream record would give it. */
  const write = (table: string, pk: string, sk: string, fields: Record<string, unknown>, streamSequence: string, change: AuditEntry['change'] = 'INSERT'): AuditEntry => {
    const item = { pk, sk, ...fields };
    sources.set(sourceKey({ table, pk, sk }), item);
    return { source: { table, pk, sk }, change, streamSequence, digest: digestOf(item) };
  };

  return {
    chain,
    verify,
    records,
    markers,
    sources,
    appendCalls,
    sleeps,
    write,
    setHead: (h: ChainHead | undefined) => (head = h),
    get head() {
      return head;
    },
  };
}

/** A chain of `n` case events, appended through the appender. */
async function chainOf(n: number) {
  const audit = fakeAudit();
  const appender = chainAppender(audit.chain);
  for (let i = 1; i <= n; i++) {
    await appender.append(audit.write('cases', `CASE#c${i}`, 'EVENT#000001', { action: 'file', note: `第${i}件` }, String(100 + i)), 'appendOnly');
  }
  return audit;
}

describe('digestOf', () => {
  it('is the SHA-256 of the canonical JSON: the same item whatever the order of its attributes', () => {
    // act
    const a = digestOf({ pk: 'CASE#1', sk: 'EVENT#000001', to: 'RECEIVED', n: 1.5 });
    const b = digestOf({ n: 1.5, to: 'RECEIVED', sk: 'EVENT#000001', pk: 'CASE#1' });

    // assert
    expect(a).toBe(b);
    expect(a).toBe(createHash('sha256').update('{"n":1.5,"pk":"CASE#1","sk":"EVENT#000001","to":"RECEIVED"}').digest('hex'));
  });

  it('differs when one attribute does, and reads a set the same in any order', () => {
    // act / assert
    expect(digestOf({ pk: 'a', note: '已整改' })).not.toBe(digestOf({ pk: 'a', note: '未整改' }));
    expect(digestOf({ refs: new Set(['b', 'a']) })).toBe(digestOf({ refs: new Set(['a', 'b']) }));
    expect(digestOf({ refs: new Set(['a']) })).not.toBe(digestOf({ refs: new Set(['b']) }));
  });
});

describe('nextRecord', () => {
  const entry: AuditEntry = { source: { table: 'cases', pk: 'CASE#1', sk: 'EVENT#000001' }, change: 'INSERT', streamSequence: '100', digest: 'a'.repeat(64) };

  it('starts the chain at seq 1 on the genesis hash', () => {
    // act
    const first = nextRecord(undefined, entry, NOW);

    // assert
    expect(first).toMatchObject({ seq: 1, prev: GENESIS_HASH, at: NOW.toISOString(), digest: entry.digest, source: entry.source });
    expect(first.hash).toBe(recordHash(first));
  });

  it("links a record to its head's hash, and its hash covers prev and every field", () => {
    // prepare
    const first = nextRecord(undefined, entry, NOW);

    // act
    const second = nextRecord({ seq: first.seq, hash: first.hash }, { ...entry, streamSequence: '101' }, NOW);

    // assert
    expect(second).toMatchObject({ seq: 2, prev: first.hash });
    expect(recordHash({ ...second, prev: 'f'.repeat(64) })).not.toBe(second.hash);
    expect(recordHash({ ...second, digest: 'b'.repeat(64) })).not.toBe(second.hash);
    expect(recordHash({ ...second, source: { ...second.source, sk: 'EVENT#000002' } })).not.toBe(second.hash);
  });
});

describe('paddedSequence', () => {
  it('makes sequence numbers of different lengths compare as numbers', () => {
    // act / assert
    expect(paddedSequence('900000000000000000001') < paddedSequence('10000000000000000000001')).toBe(true);
    expect(paddedSequence('123')).toHaveLength(40);
  });
});

describe('chainAppender', () => {
  it('appends each change once, in order, linking each to the one before', async () => {
    // act
    const audit = await chainOf(3);

    // assert
    const records = [...audit.records.values()] as AuditRecord[];
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[1]!.prev).toBe(records[0]!.hash);
    expect(records[2]!.prev).toBe(records[1]!.hash);
    expect(audit.head).toEqual({ seq: 3, hash: records[2]!.hash });
  });

  it('does not chain a redelivered stream record twice', async () => {
    // prepare
    const audit = fakeAudit();
    const appender = chainAppender(audit.chain);
    const entry = audit.write('cases', 'CASE#1', 'EVENT#000001', { action: 'file' }, '100');
    await appender.append(entry, 'appendOnly');

    // act
    const again = await appender.append(entry, 'appendOnly');

    // assert
    expect(again).toBe('duplicate');
    expect(audit.records.size).toBe(1);
  });

  it('does not chain an append-only item inserted again under the same key (it was deleted and put back)', async () => {
    // prepare
    const audit = fakeAudit();
    const appender = chainAppender(audit.chain);
    await appender.append(audit.write('cases', 'CASE#1', 'EVENT#000001', { note: 'original' }, '100'), 'appendOnly');

    // act
    const outcome = await appender.append(audit.write('cases', 'CASE#1', 'EVENT#000001', { note: 'rewritten' }, '205'), 'appendOnly');

    // assert
    expect(outcome).toBe('duplicate');
    expect(audit.records.size).toBe(1);
  });

  it('chains each newer version of a versioned item, and not an older one delivered late', async () => {
    // prepare
    const audit = fakeAudit();
    const appender = chainAppender(audit.chain);
    const v1 = audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 1 }, '100');
    const v2 = audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 2 }, '105', 'MODIFY');

    // act
    const outcomes = [await appender.append(v1, 'versioned'), await appender.append(v2, 'versioned'), await appender.append(v1, 'versioned')];

    // assert
    expect(outcomes).toEqual(['chained', 'chained', 'duplicate']);
    expect(audit.markers.get(sourceKey(v2.source))?.seq).toBe(2);
  });

  it('appends on the head another appender left, without reading the table', async () => {
    // prepare: two appenders (two consumers) share the chain
    const audit = fakeAudit();
    const one = chainAppender(audit.chain);
    const other = chainAppender(audit.chain);
    await one.append(audit.write('cases', 'CASE#1', 'EVENT#000001', {}, '100'), 'appendOnly');
    await other.append(audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 1 }, '7'), 'versioned');

    // act: `one` still believes the head is at 1
    await one.append(audit.write('cases', 'CASE#2', 'EVENT#000001', {}, '101'), 'appendOnly');

    // assert
    expect(audit.records.size).toBe(3);
    expect((audit.records.get(3) as AuditRecord).prev).toBe((audit.records.get(2) as AuditRecord).hash);
    expect(audit.appendCalls).toEqual([1, 1, 2, 2, 3]);
  });

  it('gives up when the head never stops moving', async () => {
    // prepare
    const deps: AuditAppendDeps = { append: async () => ({ kind: 'headMoved', head: { seq: 1, hash: 'a'.repeat(64) } }), now: () => NOW };

    // act / assert
    await expect(chainAppender(deps).append({ source: { table: 'cases', pk: 'p', sk: 's' }, change: 'INSERT', streamSequence: '1', digest: 'a'.repeat(64) }, 'appendOnly')).rejects.toThrow(/kept moving/);
  });
});

describe('verifyChain', () => {
  it('finds an intact chain intact, every record checked', async () => {
    // prepare
    const audit = await chainOf(7);

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report).toMatchObject({ status: 'intact', from: 1, verifiedThrough: 7, records: 7, head: audit.head, firstBreak: null });
  });

  it('finds an empty chain intact', async () => {
    // act
    const report = await verifyChain(fakeAudit().verify);

    // assert
    expect(report).toMatchObject({ status: 'intact', records: 0, head: null, firstBreak: null });
  });

  it('names a record altered in place', async () => {
    // prepare
    const audit = await chainOf(5);
    audit.records.set(3, { ...audit.records.get(3), at: '2026-01-01T00:00:00.000Z' });

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report).toMatchObject({ status: 'broken', verifiedThrough: 2, firstBreak: { seq: 3, kind: 'recordAltered', source: { pk: 'CASE#c3' } } });
  });

  it('names the next link when a record was altered and re-hashed', async () => {
    // prepare
    const audit = await chainOf(5);
    const altered = { ...(audit.records.get(3) as AuditRecord), at: '2020-01-01T00:00:00.000Z' };
    audit.records.set(3, { ...altered, hash: recordHash(altered) });

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report.firstBreak).toMatchObject({ seq: 4, kind: 'linkBroken' });
  });

  it('names a missing record, between two and at the end', async () => {
    // prepare
    const between = await chainOf(5);
    between.records.delete(2);
    const atEnd = await chainOf(5);
    atEnd.records.delete(5);

    // act
    const [a, b] = [await verifyChain(between.verify), await verifyChain(atEnd.verify)];

    // assert
    expect(a.firstBreak).toMatchObject({ seq: 2, kind: 'recordMissing' });
    expect(b.firstBreak).toMatchObject({ seq: 5, kind: 'recordMissing' });
  });

  it('names a record that no longer reads', async () => {
    // prepare
    const audit = await chainOf(4);
    const { digest: _digest, ...rest } = audit.records.get(2) as AuditRecord;
    audit.records.set(2, rest);

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report.firstBreak).toMatchObject({ seq: 2, kind: 'recordUnreadable' });
  });

  it('names a head that does not match its record', async () => {
    // prepare
    const audit = await chainOf(4);
    audit.setHead({ seq: 4, hash: 'c'.repeat(64) });

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report.firstBreak).toMatchObject({ seq: 4, kind: 'headMismatch' });
  });

  it('names a source item altered, or deleted, after it was chained', async () => {
    // prepare
    const altered = await chainOf(4);
    altered.sources.set(sourceKey({ table: 'cases', pk: 'CASE#c2', sk: 'EVENT#000001' }), { pk: 'CASE#c2', sk: 'EVENT#000001', action: 'file', note: '改过了' });
    const deleted = await chainOf(4);
    deleted.sources.delete(sourceKey({ table: 'cases', pk: 'CASE#c3', sk: 'EVENT#000001' }));

    // act
    const [a, b] = [await verifyChain(altered.verify), await verifyChain(deleted.verify)];

    // assert
    expect(a).toMatchObject({ status: 'broken', verifiedThrough: 1, firstBreak: { seq: 2, kind: 'sourceAltered', source: { table: 'cases', pk: 'CASE#c2', sk: 'EVENT#000001' } } });
    expect(b.firstBreak).toMatchObject({ seq: 3, kind: 'sourceMissing', source: { pk: 'CASE#c3' } });
  });

  it('names the earlier of a source break and a later broken record', async () => {
    // prepare
    const audit = await chainOf(6);
    audit.sources.set(sourceKey({ table: 'cases', pk: 'CASE#c2', sk: 'EVENT#000001' }), { pk: 'CASE#c2', sk: 'EVENT#000001' });
    audit.records.set(3, { ...audit.records.get(3), seq: 3, at: '2020-01-01T00:00:00.000Z' });

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report.firstBreak).toMatchObject({ seq: 2, kind: 'sourceAltered' });
  });

  it("holds a versioned item to its latest chained version only, after waiting out the stream's lag", async () => {
    // prepare: a snapshot chained twice; then replaced a third time, a version not chained yet
    const audit = fakeAudit();
    const appender = chainAppender(audit.chain);
    await appender.append(audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 1 }, '100'), 'versioned');
    await appender.append(audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 2 }, '101', 'MODIFY'), 'versioned');
    const intact = await verifyChain(audit.verify, { settleMs: 2000 });
    audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 99 }, '102', 'MODIFY');

    // act
    const report = await verifyChain(audit.verify, { settleMs: 2000 });

    // assert
    expect(intact).toMatchObject({ status: 'intact', records: 2 });
    expect(report.firstBreak).toMatchObject({ seq: 2, kind: 'sourceAltered' });
    expect(audit.sleeps).toEqual(Array(8).fill(250));
  });

  it('finds a versioned item intact once its newer version reaches the chain while it waits, and stops waiting then', async () => {
    // prepare: a snapshot replaced, its new version still on its way through the stream
    const audit = fakeAudit();
    const appender = chainAppender(audit.chain);
    await appender.append(audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 1 }, '100'), 'versioned');
    const newer = audit.write('tallies', 'P#p', 'S#u#2026-11-29', { n: 2 }, '101', 'MODIFY');
    const deps = { ...audit.verify, sleep: async (ms: number) => void (audit.sleeps.push(ms), await appender.append(newer, 'versioned')) };

    // act
    const report = await verifyChain(deps, { settleMs: 2000 });

    // assert
    expect(report).toMatchObject({ status: 'intact', firstBreak: null });
    expect(audit.sleeps).toEqual([250]);
  });

  it('names a marker that no longer names the record', async () => {
    // prepare
    const audit = await chainOf(3);
    audit.markers.delete(sourceKey({ table: 'cases', pk: 'CASE#c2', sk: 'EVENT#000001' }));

    // act
    const report = await verifyChain(audit.verify);

    // assert
    expect(report.firstBreak).toMatchObject({ seq: 2, kind: 'markerMismatch' });
  });

  it('goes on after a record, and stops incomplete when its time is up', async () => {
    // prepare
    const audit = await chainOf(9);

    // act
    const continued = await verifyChain(audit.verify, { afterSeq: 4 });
    const late = await verifyChain(audit.verify, { deadline: Date.now() - 1 });

    // assert
    expect(continued).toMatchObject({ status: 'intact', from: 5, verifiedThrough: 9, records: 5 });
    expect(late).toMatchObject({ status: 'incomplete', verifiedThrough: 3, records: 3 });
  });
});
