import type { ChainBreakKind } from '../../../functions/domain/audit/verify';
import { catalog } from '../app/i18n';

/**
 * Strings of the admin's audit page (审计链核验): the verification of the tamper-evident audit chain and what
 * it found, in the words `npm run audit -- verify` prints (infra/ops/audit-cli.ts `formatReport`). The
 * detail of a broken link is the API's own text, for the operator, in English.
 */
export const adminAudit = catalog(
  {
    title: '审计链核验',
    intro:
      '每个来件和台账事件、公示事件、简报和月报告的每个版本、每份统计快照都写入一条防篡改的审计链。核验从第 1 条记录起重新计算整条链：每条记录的哈希、与前一条的衔接、有无缺号，并把每个上链的数据项读回与上链时的摘要比对，指出第一处断裂。核验只读取，不修改任何数据。',
    verify: '核验审计链',
    verifying: '正在核验…',
    resultHeading: '核验结果',
    intact: (p: { records: number; from: number; through: number }) =>
      `完好：已核验 ${p.records} 条记录（第 ${p.from} 至 ${p.through} 条），每个上链的数据项均与上链时一致。`,
    incomplete: (p: { records: number; from: number; through: number }) =>
      `未核验完：第 ${p.from} 至 ${p.through} 条记录完好（已核验 ${p.records} 条），时间已用完，其后的记录尚未核验。`,
    goOn: (p: { after: number }) => `从第 ${p.after} 条之后继续核验`,
    broken: (p: { seq: number }) => `已断裂：第 ${p.seq} 条记录。`,
    brokenKind: '问题',
    brokenDetail: '详情',
    brokenItem: '数据项',
    item: (p: { table: string; pk: string; sk: string }) => `${p.table} 表（${p.pk}，${p.sk}）`,
    intactBefore: (p: { from: number; through: number }) =>
      p.through >= p.from ? `第 ${p.from} 至 ${p.through} 条记录完好。` : '断裂之前没有完好的记录。',
    advice: '核验没有修改任何数据。请保持各表原样（时间点恢复保留了它们的历史），查明是谁写入的。',
    headLabel: '链头',
    head: (p: { seq: number }) => `第 ${p.seq} 条记录`,
    hashLabel: '链头哈希',
    noHead: '没有链头：审计链为空。',
    verifiedAtLabel: '核验时间（北京时间）',
    /** By ChainBreakKind, as an auditor names it; the kind's code follows in brackets. */
    kind: {
      recordUnreadable: '记录无法读取（字段缺失或类型不符）',
      recordAltered: '记录被修改：其哈希与字段不符',
      linkBroken: '衔接断开：与前一条记录的哈希不符',
      recordMissing: '记录缺失：序号不连续',
      headMismatch: '链头与其指向的记录不符',
      markerMismatch: '数据项的标记未指向这条记录（在链外被修改或删除）',
      sourceAltered: '数据项在上链后被修改',
      sourceMissing: '数据项已不存在',
    } satisfies Record<ChainBreakKind, string>,
  },
  {
    title: 'Audit chain verification',
    intro:
      'Every case and ledger event, every disclosure event, every version of a briefing or monthly report and every tally snapshot is written to one tamper-evident audit chain. The verification re-derives the whole chain from record 1 — each record’s hash, its link to the one before, no record missing — reads every chained item back against the digest it was chained with, and names the first broken link. It only reads: nothing is changed.',
    verify: 'Verify the chain',
    verifying: 'Verifying…',
    resultHeading: 'Result',
    intact: (p) => `INTACT: ${p.records} record(s) checked, ${p.from} to ${p.through}, every chained item as chained.`,
    incomplete: (p) => `INCOMPLETE: ${p.records} record(s) intact, ${p.from} to ${p.through}; the time ran out before the records after them were checked.`,
    goOn: (p) => `Continue after record ${p.after}`,
    broken: (p) => `BROKEN at record ${p.seq}.`,
    brokenKind: 'What is wrong',
    brokenDetail: 'Detail',
    brokenItem: 'Item',
    item: (p) => `${p.table} (${p.pk}, ${p.sk})`,
    intactBefore: (p) => (p.through >= p.from ? `Records ${p.from} to ${p.through} are intact.` : 'No record before the break is intact.'),
    advice: 'Nothing was changed. Keep the tables as they are (point-in-time recovery has their history) and find out who wrote them.',
    headLabel: 'Head',
    head: (p) => `record ${p.seq}`,
    hashLabel: 'Head hash',
    noHead: 'No head: the chain is empty.',
    verifiedAtLabel: 'Verified (CST)',
    kind: {
      recordUnreadable: 'The record does not read (a field missing or mistyped)',
      recordAltered: 'The record was altered: its hash does not recompute from its fields',
      linkBroken: 'The link is broken: it does not name the hash of the record before',
      recordMissing: 'A record is missing: a number is skipped',
      headMismatch: 'The head does not match the record it names',
      markerMismatch: 'The item’s marker does not name this record (altered or deleted beside the chain)',
      sourceAltered: 'The item was altered after it was chained',
      sourceMissing: 'The item is gone',
    },
  },
);
