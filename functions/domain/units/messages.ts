import { COMMON_MESSAGES, type Message } from '../messages';

/** The messages of the units context's rules, in both languages (API answers and admin pages). */
export const UNIT_MESSAGES = {
  parentIsSelf: { 'zh-CN': '单位不能是自己的上级。', en: 'A unit cannot be its own parent.' },
  parentCycle: { 'zh-CN': '上级单位关系成环：{path}。', en: 'The parents form a loop: {path}.' },
  unknownParent: { 'zh-CN': '没有编号为“{id}”的上级单位。', en: 'There is no parent unit "{id}".' },
  // import
  fileUnreadable: {
    'zh-CN': '无法读取文件：请上传 UTF-8 或 GBK 编码的 CSV，或 Excel 的 .xlsx 文件。',
    en: 'The file cannot be read: upload a CSV (UTF-8 or GBK) or an Excel .xlsx file.',
  },
  missingColumn: { 'zh-CN': '缺少“{column}”列。', en: 'The "{column}" column is missing.' },
  noRows: { 'zh-CN': '文件中没有单位。', en: 'The file holds no units.' },
  tooManyRows: { 'zh-CN': '一次最多导入 {max} 个单位。', en: 'At most {max} units per import.' },
  duplicateInFile: { 'zh-CN': '编号“{id}”在文件中重复（另见第 {row} 行）。', en: 'Id "{id}" appears twice in the file (also row {row}).' },
  unknownKind: {
    'zh-CN': '类型“{value}”无效，可填：{kinds}。',
    en: 'Kind "{value}" is not valid; use one of: {kinds}.',
  },
  ...COMMON_MESSAGES,
} as const satisfies Record<string, Message>;
