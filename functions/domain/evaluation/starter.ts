import type { LocalizedText } from '../text';
import type { Dimension, FormContent, Layout, Question } from './form';

/**
 * The standard questions of a social evaluation, in one place: what a new form starts with (so it obeys
 * every form rule from the start), and what the demo district and the tests build on.
 */

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

/** The four dimensions of the annual 作风建设 appraisal (domain.md), weighted 0.3 / 0.3 / 0.2 / 0.2. */
export const STANDARD_DIMENSIONS: readonly Dimension[] = [
  { id: 'attitude', label: text('服务态度', 'Attitude'), weight: 0.3 },
  { id: 'efficiency', label: text('办事效率', 'Efficiency'), weight: 0.3 },
  { id: 'integrity', label: text('廉洁自律', 'Integrity'), weight: 0.2 },
  { id: 'policy', label: text('政策落实', 'Policy delivery'), weight: 0.2 },
];

/** "您的身份": the respondent's group, among `groupIds`. */
export const groupQuestion = (groupIds: readonly string[]): Question => ({
  type: 'group',
  id: 'group',
  text: text('您的身份', 'You are rating as'),
  required: true,
  options: [...groupIds],
});

/** A unit rated on the standard dimensions, with 不了解 for a unit one does not know. */
export const dimensionsQuestion = (): Question => ({
  type: 'dimensions',
  id: 'evaluation',
  text: text('对该单位的评价', 'Your rating of this unit'),
  required: true,
  scale: 'five',
  allowDontKnow: true,
  dimensions: STANDARD_DIMENSIONS.map((d) => ({ ...d, label: { ...d.label } })),
});

/** The overall rating of one service (一次一评), on five levels. */
export const overallRatingQuestion = (): Question => ({
  type: 'rating',
  id: 'overall',
  text: text('您对本次办事服务的总体评价', 'Your overall rating of this visit'),
  required: true,
  scale: 'five',
  allowDontKnow: false,
});

/**
 * What a new form starts with: on an all-units page the group first, then every unit on the standard
 * dimensions; for one unit per response the overall rating, then the group. `defaultGroup` is the group of
 * a response that does not say (群众 where there is one).
 */
export function starterContent(layout: Layout, title: LocalizedText, unitIds: readonly string[], groupIds: readonly string[]): FormContent {
  const group = groupIds.length > 0 ? [groupQuestion(groupIds)] : [];
  return {
    title,
    layout,
    unitIds: [...unitIds],
    defaultGroup: groupIds.includes('citizen') ? 'citizen' : (groupIds[0] ?? 'citizen'),
    questions: layout === 'allUnits' ? [...group, dimensionsQuestion()] : [overallRatingQuestion(), ...group],
  };
}
