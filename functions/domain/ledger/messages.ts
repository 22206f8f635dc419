import { COMMON_MESSAGES, type Message } from '../messages';

/** The messages and labels of the rectification ledger (整改台账), in both languages (API answers, exports, pages). */
export const LEDGER_MESSAGES = {
  notYourAction: { 'zh-CN': '您的角色不能对此台账事项执行“{action}”。', en: 'Your role may not take the action "{action}" on this ledger item.' },
  notYourUnit: { 'zh-CN': '您不是单位“{id}”的承办人。', en: 'You do not handle items of unit "{id}".' },
  unknownUnit: { 'zh-CN': '没有编号或名称为“{id}”的单位。', en: 'There is no unit "{id}".' },
  retiredUnit: { 'zh-CN': '单位“{id}”已撤销。', en: 'Unit "{id}" is retired.' },
  unknownCategory: { 'zh-CN': '没有问题类别“{value}”，可选：{categories}。', en: 'There is no category "{value}"; choose one of: {categories}.' },
  unknownCase: { 'zh-CN': '没有编号为“{id}”的件。', en: 'There is no case "{id}".' },
  selfInspectionOnly: { 'zh-CN': '承办人只能登记本单位自查发现的问题。', en: 'A unit handler may only enter problems their unit found itself (selfInspection).' },
  notDisclosed: { 'zh-CN': '此事项未标记为公示，不能发布。', en: 'This item is not marked for publication.' },
  duplicateCategory: { 'zh-CN': '问题类别“{id}”重复。', en: 'Category "{id}" appears twice.' },
  categoryInUse: { 'zh-CN': '问题类别“{id}”已有台账事项使用，不能删除。', en: 'Category "{id}" is used by ledger items and cannot be removed.' },
  badDeadline: { 'zh-CN': '整改时限应为日期（如 2026-12-31）或工作日数（如 15个工作日）。', en: 'The deadline is a date (2026-12-31) or a number of working days (15个工作日).' },
  pastDeadline: { 'zh-CN': '整改时限不能早于今天。', en: 'The deadline cannot be before today.' },
  unknownValue: { 'zh-CN': '“{value}”不是有效的{column}，可选：{values}。', en: '"{value}" is not a valid {column}; choose one of: {values}.' },
  missingColumn: { 'zh-CN': '缺少“{column}”列。', en: 'The column "{column}" is missing.' },
  fileUnreadable: { 'zh-CN': '无法读取该文件，请上传 XLSX 文件。', en: 'The file cannot be read; upload an XLSX file.' },
  noRows: { 'zh-CN': '文件中没有台账事项。', en: 'The file holds no ledger items.' },
  tooManyRows: { 'zh-CN': '一次最多导入 {max} 条。', en: 'At most {max} items per import.' },
  ledgerFieldsNeeded: { 'zh-CN': '状态为“{state}”的事项须填写责任人、责任领导、整改措施和整改时限。', en: 'An item in state "{state}" needs an owner, a responsible leader, measures and a deadline.' },
  ...COMMON_MESSAGES,
} as const satisfies Record<string, Message>;

/** The name of each ledger state as people read it (pages, the XLSX 状态 column). */
export const LEDGER_STATE_LABELS = {
  IDENTIFIED: { 'zh-CN': '已查摆', en: 'Identified' },
  LEDGERED: { 'zh-CN': '已建账', en: 'Ledgered' },
  IN_PROGRESS: { 'zh-CN': '整改中', en: 'In progress' },
  EVIDENCE_SUBMITTED: { 'zh-CN': '待验收', en: 'Evidence submitted' },
  ACCEPTED: { 'zh-CN': '已验收', en: 'Accepted' },
  CLOSED: { 'zh-CN': '已销号', en: 'Closed' },
  PUBLISHED: { 'zh-CN': '已公示', en: 'Published' },
} as const satisfies Record<string, Message>;

/** The name of each level (层级). */
export const LEDGER_LEVEL_LABELS = {
  leadershipTeam: { 'zh-CN': '领导班子', en: 'Leadership team' },
  teamMember: { 'zh-CN': '班子成员', en: 'Team member' },
  unit: { 'zh-CN': '单位', en: 'Unit' },
  cadre: { 'zh-CN': '干部', en: 'Cadre' },
} as const satisfies Record<string, Message>;

/** The name of each source a ledger item can have (问题来源). */
export const LEDGER_SOURCE_LABELS = {
  selfInspection: { 'zh-CN': '自查', en: 'Self-inspection' },
  supervisionFinding: { 'zh-CN': '督查发现', en: 'Supervision finding' },
  complaint: { 'zh-CN': '群众投诉', en: 'Complaint' },
  badReview: { 'zh-CN': '差评', en: 'Bad review' },
} as const satisfies Record<string, Message>;

/** The name of each action (event history, buttons). */
export const LEDGER_ACTION_LABELS = {
  identify: { 'zh-CN': '查摆登记', en: 'Identify' },
  import: { 'zh-CN': '导入', en: 'Import' },
  ledger: { 'zh-CN': '建账', en: 'Put on the ledger' },
  start: { 'zh-CN': '开始整改', en: 'Start' },
  progress: { 'zh-CN': '报送进展', en: 'Report progress' },
  submitEvidence: { 'zh-CN': '提交整改材料', en: 'Submit evidence' },
  sendBack: { 'zh-CN': '退回整改', en: 'Send back' },
  accept: { 'zh-CN': '验收通过', en: 'Accept' },
  close: { 'zh-CN': '销号', en: 'Close (销号)' },
  markDisclosure: { 'zh-CN': '标记公示', en: 'Mark for publication' },
  publish: { 'zh-CN': '公示', en: 'Publish' },
  escalate: { 'zh-CN': '催督办', en: 'Escalation' },
} as const satisfies Record<string, Message>;
