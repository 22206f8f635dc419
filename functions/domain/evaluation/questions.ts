import * as z from 'zod/mini';
import { schemaMessage } from '../messages';
import type { LocalizedText } from '../text';
import type { About, FormContent, Question, RatingQuestion } from './form';
import { DONT_KNOW, scaleLevels, type RatingLevel } from './rating-scale';

/**
 * What a reader of a form needs to know about its questions — who each is about, which one rates the
 * unit, its dimensions, points and answers — kept apart from the form's schemas, so that what only reads
 * forms (the citizen page, the tally) does not build every schema of the admin's form model.
 */

/** A question's key within its form (`overall`, `attitude`, `why`): letters and digits, starting with a letter. */
export const ZQuestionId = z.string().check(
  z.regex(
    /^[a-zA-Z][a-zA-Z0-9]{0,31}$/,
    schemaMessage({
      'zh-CN': '题目编号须以字母开头，只含字母和数字，最长 32 个字符。',
      en: 'A question id starts with a letter and has only letters and digits, at most 32.',
    }),
  ),
);

/** The one question that rates the unit (a rating or a dimension matrix). */
export const scoredQuestion = (content: FormContent): RatingQuestion | undefined =>
  content.questions.find((q): q is RatingQuestion => q.type === 'rating' || q.type === 'dimensions');

/** Who a question is about (rating questions: the unit; the group question: the respondent). */
export function aboutOf(question: Question): About {
  if (question.type === 'rating' || question.type === 'dimensions') return 'unit';
  if (question.type === 'group') return 'respondent';
  return question.about;
}

/** A rated dimension of a scored question: a rating question is one dimension named by the question, weight 1. */
export interface ScoredDimension {
  id: string;
  label: LocalizedText;
  weight: number;
}

export function dimensionsOf(question: RatingQuestion): ScoredDimension[] {
  return question.type === 'dimensions' ? question.dimensions : [{ id: question.id, label: question.text, weight: 1 }];
}

/** The points of each level of a rating question: the scale's defaults, with the question's overrides. */
export function levelPoints(question: Pick<RatingQuestion, 'scale' | 'points'>): Map<RatingLevel, number> {
  return new Map(scaleLevels(question.scale).map((l) => [l.key, question.points?.[l.key] ?? l.points]));
}

/** The answers a condition may name for a question (its options, levels or groups); undefined if it cannot be a condition. */
export function conditionValues(question: Question): readonly string[] | undefined {
  switch (question.type) {
    case 'rating':
      return [...scaleLevels(question.scale).map((l) => l.key), ...(question.allowDontKnow ? [DONT_KNOW] : [])];
    case 'singleChoice':
    case 'multipleChoice':
      return question.options.map((o) => o.id);
    case 'group':
      return question.options;
    default:
      return undefined;
  }
}
