import { ZAnswers, ZUnitAnswers, checkAnswers, isShown, type Answer, type Answers, type UnitAnswers } from '../../../../functions/domain/evaluation/answers';
import { ANSWER_MESSAGES } from '../../../../functions/domain/evaluation/messages';
import { messageOfSchemaIssue } from '../../../../functions/domain/messages';
import { type FormContent, type Question } from '../../../../functions/domain/evaluation/form';
import { aboutOf, dimensionsOf, scoredQuestion } from '../../../../functions/domain/evaluation/questions';
import { DONT_KNOW } from '../../../../functions/domain/evaluation/rating-scale';
import type { Message } from '../../../../functions/domain/messages';

/**
 * What a respondent has filled in so far, and how it becomes the submission the API takes: the answers of
 * hidden questions and empty optional answers dropped, checked with the domain's own checkAnswers (so the
 * page refuses exactly what the API would), every issue placed at the control that shows it.
 *
 * Paths name fields as the API does (`answers.group`, `units.tax-bureau.evaluation.attitude`); on a one-unit
 * form the one unit's answers are under `unit` (`unit.overall`), whichever unit is chosen, and `unit` alone
 * is the unit picker.
 */

/** The unit scope of a one-unit form, in paths and in Draft.units. */
export const ONE_UNIT = 'unit';

export interface Draft {
  /** Answers to the questions asked once per response. */
  respondent: Answers;
  /** Answers about each unit by unit id; on a one-unit form, the one unit's under ONE_UNIT. */
  units: Record<string, Answers>;
  /** The unit chosen on a one-unit form ('' before a choice). */
  unitId: string;
}

export const emptyDraft = (unitId = ''): Draft => ({ respondent: {}, units: {}, unitId });

/** The submission's answers, as checkAnswers and the API take them. */
export interface Submission {
  answers: Answers;
  units: UnitAnswers;
}

/** What a control shows: the domain's message in both languages, or the API's text in the language it was asked in. */
export type IssueText = Message | string;
/** Issues by the path of the control that shows them. */
export type FieldErrors = Record<string, IssueText[]>;

const isEmpty = (answer: Answer | undefined): boolean =>
  answer === undefined ||
  (typeof answer === 'string' && answer.trim() === '') ||
  (Array.isArray(answer) && answer.length === 0) ||
  (typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer).length === 0);

/** The path of a unit's scope: `units.<unitId>`, or `unit` on a one-unit form. */
export const unitScope = (content: FormContent, unitId: string): string =>
  content.layout === 'oneUnit' ? ONE_UNIT : `units.${unitId}`;

/** The key of a unit's answers in Draft.units. */
export const unitKey = (content: FormContent, unitId: string): string => (content.layout === 'oneUnit' ? ONE_UNIT : unitId);

/**
 * The questions about `about` that are shown, and the non-empty answers among them, in form order: a
 * question is shown by the answers kept before it (the unit's, then the respondent's), as the API decides.
 */
export function shownAnswers(
  content: FormContent,
  about: 'unit' | 'respondent',
  given: Answers,
  respondent: Answers,
): { shown: Set<string>; kept: Answers } {
  const shown = new Set<string>();
  const kept: Answers = {};
  for (const q of content.questions) {
    if (aboutOf(q) !== about || !isShown(q, kept, about === 'unit' ? respondent : {})) continue;
    shown.add(q.id);
    const answer = given[q.id];
    if (answer !== undefined && !isEmpty(answer)) kept[q.id] = answer;
  }
  return { shown, kept };
}

/** The submission of a draft: shown questions only, empty answers left out; every unit of an all-units form. */
export function toSubmission(content: FormContent, draft: Draft): Submission {
  const answers = shownAnswers(content, 'respondent', draft.respondent, {}).kept;
  const about = (key: string) => shownAnswers(content, 'unit', draft.units[key] ?? {}, answers).kept;
  const units: UnitAnswers =
    content.layout === 'allUnits'
      ? Object.fromEntries(content.unitIds.map((u) => [u, about(u)]))
      : draft.unitId
        ? { [draft.unitId]: about(ONE_UNIT) }
        : {};
  return { answers, units };
}

/** An API or domain path as the page names it: on a one-unit form `units.<any>` becomes `unit`. */
export function pagePath(content: FormContent, path: string): string {
  if (content.layout !== 'oneUnit') return path;
  const parts = path.split('.');
  if (parts[0] !== 'units') return path;
  return [ONE_UNIT, ...parts.slice(2)].join('.');
}

/** The control that shows an issue at `path` (a page path): a question, a dimension, a unit, or the picker. */
export function targetOf(content: FormContent, path: string): string {
  const parts = path.split('.');
  let scope: string;
  let rest: string[];
  if (parts[0] === 'answers') {
    scope = 'answers';
    rest = parts.slice(1);
  } else if (parts[0] === ONE_UNIT) {
    scope = ONE_UNIT;
    rest = parts.slice(1);
  } else if (parts[0] === 'units' && parts.length > 1) {
    scope = parts.slice(0, 2).join('.');
    rest = parts.slice(2);
  } else {
    return path;
  }
  if (rest.length === 0) return scope;
  const question = content.questions.find((q) => q.id === rest[0]);
  if (question?.type === 'dimensions' && question.dimensions.some((d) => d.id === rest[1])) return `${scope}.${rest[0]}.${rest[1]}`;
  return `${scope}.${rest[0]}`;
}

/** Issues (page paths and texts) gathered by the control that shows them. */
export function errorsByTarget(content: FormContent, issues: readonly { path: string; message: IssueText }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const target = targetOf(content, pagePath(content, issue.path));
    (errors[target] ??= []).push(issue.message);
  }
  return errors;
}

/** The submission's shape checked with the API's own schemas for it (those of ZSubmissionInput). */
function shapeIssues(submission: Submission): { path: string; message: IssueText }[] {
  const issues: { path: string; message: IssueText }[] = [];
  for (const [scope, result] of [
    ['answers', ZAnswers.safeParse(submission.answers)],
    ['units', ZUnitAnswers.safeParse(submission.units)],
  ] as const) {
    for (const issue of result.error?.issues ?? []) {
      issues.push({ path: [scope, ...issue.path.map(String)].join('.'), message: messageOfSchemaIssue(issue.message) ?? ANSWER_MESSAGES.wrongAnswerType });
    }
  }
  return issues;
}

/**
 * Checks a draft as the API will: the API's schemas for a submission's answers, then checkAnswers, on the
 * very submission the page would send, returning the issues by control and the answers as accepted
 * (trimmed, hidden and empty ones left out), which are what the page sends. On a one-unit form with no unit
 * chosen yet, the unit's answers are checked too (against the first unit: the questions are the same for
 * every unit), so every missing answer is named at once.
 */
export function checkDraft(content: FormContent, draft: Draft): { errors: FieldErrors; accepted: Submission } {
  const submission = toSubmission(content, draft);
  const { issues, accepted } = checkAnswers(content, submission);
  const all = [...shapeIssues(submission), ...issues];
  const standIn = content.unitIds[0];
  if (content.layout === 'oneUnit' && !draft.unitId && standIn) {
    const unit = shownAnswers(content, 'unit', draft.units[ONE_UNIT] ?? {}, submission.answers).kept;
    const more = checkAnswers(content, { answers: submission.answers, units: { [standIn]: unit } }).issues;
    all.push(...more.filter((i) => i.path.startsWith(`units.${standIn}.`)));
  }
  return { errors: errorsByTarget(content, all), accepted };
}

/**
 * The issues of the controls shown now: an issue of a question that has since been hidden (its condition no
 * longer met) is not shown, since the question is not asked. Issues of paths the form does not know stay.
 */
export function shownErrors(content: FormContent, draft: Draft, errors: FieldErrors): FieldErrors {
  const respondent = shownAnswers(content, 'respondent', draft.respondent, {});
  const shownIn = (scope: string): Set<string> => {
    if (scope === 'answers') return respondent.shown;
    const key = scope === ONE_UNIT ? ONE_UNIT : scope.slice('units.'.length);
    return shownAnswers(content, 'unit', draft.units[key] ?? {}, respondent.kept).shown;
  };
  return Object.fromEntries(
    Object.entries(errors).filter(([path, issues]) => {
      if (issues.length === 0) return false;
      const parts = path.split('.');
      const scopeLength = parts[0] === 'units' ? 2 : 1;
      const questionId = parts[scopeLength];
      if (questionId === undefined || !content.questions.some((q) => q.id === questionId)) return true;
      return shownIn(parts.slice(0, scopeLength).join('.')).has(questionId);
    }),
  );
}

/** The respondent questions before the units, the questions asked about each unit, and the respondent questions after. */
export function sections(content: FormContent): { before: Question[]; perUnit: Question[]; after: Question[] } {
  const firstUnit = content.questions.findIndex((q) => aboutOf(q) === 'unit');
  const respondent = (q: Question) => aboutOf(q) === 'respondent';
  return {
    before: content.questions.filter((q, i) => respondent(q) && (firstUnit < 0 || i < firstUnit)),
    perUnit: content.questions.filter((q) => !respondent(q)),
    after: content.questions.filter((q, i) => respondent(q) && firstUnit >= 0 && i > firstUnit),
  };
}

const questionPaths = (q: Question, scope: string): string[] =>
  q.type === 'dimensions' ? [`${scope}.${q.id}`, ...q.dimensions.map((d) => `${scope}.${q.id}.${d.id}`)] : [`${scope}.${q.id}`];

/** Every control's path in the order the page shows them: the error summary and the focus follow it. */
export function fieldOrder(content: FormContent): string[] {
  if (content.layout === 'oneUnit') {
    return [ONE_UNIT, ...content.questions.flatMap((q) => questionPaths(q, aboutOf(q) === 'unit' ? ONE_UNIT : 'answers'))];
  }
  const { before, perUnit, after } = sections(content);
  return [
    ...before.flatMap((q) => questionPaths(q, 'answers')),
    ...content.unitIds.flatMap((u) => [`units.${u}`, ...perUnit.flatMap((q) => questionPaths(q, `units.${u}`))]),
    ...after.flatMap((q) => questionPaths(q, 'answers')),
  ];
}

/** The DOM id of a control (ids and unit ids never contain `_`). */
export const fieldId = (path: string): string => `f-${path.replace(/\./g, '__')}`;

/** Whether a unit's rating question is fully answered (不了解 included). */
export function unitAnswered(content: FormContent, answers: Answers | undefined): boolean {
  const question = scoredQuestion(content);
  const answer = question && answers?.[question.id];
  if (!question || answer === undefined) return false;
  if (question.type === 'rating') return typeof answer === 'string' && answer !== '';
  return typeof answer === 'object' && !Array.isArray(answer) && dimensionsOf(question).every((d) => Boolean(answer[d.id]));
}

/** Whether a unit's rating question is answered 不了解 throughout. */
export function unitDontKnow(content: FormContent, answers: Answers | undefined): boolean {
  const question = scoredQuestion(content);
  const answer = question && answers?.[question.id];
  if (!question || answer === undefined) return false;
  if (typeof answer === 'string') return answer === DONT_KNOW;
  return !Array.isArray(answer) && dimensionsOf(question).every((d) => answer[d.id] === DONT_KNOW);
}

/** The answer of a unit's rating question that says 不了解 throughout. */
export function dontKnowAnswer(content: FormContent): Answer | undefined {
  const question = scoredQuestion(content);
  if (!question?.allowDontKnow) return undefined;
  return question.type === 'rating' ? DONT_KNOW : Object.fromEntries(question.dimensions.map((d) => [d.id, DONT_KNOW]));
}

/** The units a submission rates on at least one dimension (not 不了解 throughout), in form order. */
export function ratedUnits(content: FormContent, submission: Submission): string[] {
  return Object.keys(submission.units).filter((u) => !unitDontKnow(content, submission.units[u]));
}
