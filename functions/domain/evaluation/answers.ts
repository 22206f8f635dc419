import * as z from 'zod/mini';
import { textLength } from '../canonical';
import type { FieldIssue } from '../errors';
import { fill, type Message } from '../messages';
import { ZId } from '../ids';
import { type FormContent, type Question } from './form';
import { aboutOf, dimensionsOf, ZQuestionId } from './questions';
import { ANSWER_MESSAGES as M } from './messages';
import { isRatingOnScale } from './rating-scale';

/**
 * A respondent's answers and the rules that check them against a form version. The citizen page runs the
 * very same checks before sending, so what the page accepts the API accepts.
 */

/** Text, one option, several options, or a rating per dimension. */
export const ZAnswer = z.union([
  z.string().check(z.maxLength(4000)),
  z.array(z.string().check(z.maxLength(64))).check(z.maxLength(30)),
  // Ratings per dimension; a level off the scale is named by checkAnswers, not lost in a union error.
  z.record(ZQuestionId, z.string().check(z.maxLength(64))),
]);
export type Answer = z.infer<typeof ZAnswer>;

const MAX_KEYS = 500;
const atMostKeys = (max: number) =>
  z.refine((o: unknown) => typeof o === 'object' && o !== null && Object.keys(o).length <= max, `at most ${max} entries`);

/** Answers by question id. */
export const ZAnswers = z.record(ZQuestionId, ZAnswer).check(atMostKeys(60));
export type Answers = z.infer<typeof ZAnswers>;

/** Answers to the questions about each unit, by unit id. */
export const ZUnitAnswers = z.record(ZId, ZAnswers).check(atMostKeys(MAX_KEYS));
export type UnitAnswers = z.infer<typeof ZUnitAnswers>;


/** The answers as accepted: trimmed, empty optional answers dropped, nothing the form did not ask. */
export interface AcceptedAnswers {
  answers: Answers;
  units: UnitAnswers;
}

/** Whether a question is shown, given the answers that decide its condition (the unit's first, then the respondent's). */
export function isShown(question: Question, ...scopes: Answers[]): boolean {
  const condition = question.showIf;
  if (!condition) return true;
  const given = scopes.find((s) => Object.hasOwn(s, condition.questionId))?.[condition.questionId];
  const values = typeof given === 'string' ? [given] : Array.isArray(given) ? given : [];
  return values.some((v) => condition.anyOf.includes(v));
}

const isEmpty = (answer: Answer | undefined): boolean =>
  answer === undefined ||
  (typeof answer === 'string' && answer.trim() === '') ||
  (Array.isArray(answer) && answer.length === 0) ||
  (typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer).length === 0);

/** A question with the ids its answer may name (dimensions, options, groups), read once per form version. */
interface QuestionRule {
  question: Question;
  about: 'unit' | 'respondent';
  ids: ReadonlySet<string>;
}

function ruleOf(question: Question): QuestionRule {
  const ids =
    question.type === 'dimensions'
      ? question.dimensions.map((d) => d.id)
      : question.type === 'group'
        ? question.options
        : question.type === 'singleChoice' || question.type === 'multipleChoice'
          ? question.options.map((o) => o.id)
          : [];
  return { question, about: aboutOf(question), ids: new Set(ids) };
}

function fail(issues: FieldIssue[], path: string, message: Message): undefined {
  issues.push({ path, message });
  return undefined;
}

/** Checks one shown question's answer; returns the accepted value (undefined for an empty optional one). */
function checkAnswer({ question, ids }: QuestionRule, answer: Answer | undefined, path: string, issues: FieldIssue[]): Answer | undefined {
  if (isEmpty(answer)) return question.required ? fail(issues, path, M.required) : undefined;
  switch (question.type) {
    case 'rating':
      if (typeof answer !== 'string') return fail(issues, path, M.wrongAnswerType);
      return isRatingOnScale(question.scale, answer, question.allowDontKnow) ? answer : fail(issues, path, M.ratingNotOnScale);
    case 'dimensions': {
      if (typeof answer !== 'object' || Array.isArray(answer)) return fail(issues, path, M.wrongAnswerType);
      for (const key of Object.keys(answer)) if (!ids.has(key)) fail(issues, `${path}.${key}`, M.unknownQuestion);
      const accepted: Record<string, string> = {};
      for (const d of dimensionsOf(question)) {
        const value = answer[d.id];
        if (value === undefined) fail(issues, `${path}.${d.id}`, M.required);
        else if (!isRatingOnScale(question.scale, value, question.allowDontKnow)) fail(issues, `${path}.${d.id}`, M.ratingNotOnScale);
        else accepted[d.id] = value;
      }
      return accepted as Answer;
    }
    case 'singleChoice':
    case 'group': {
      if (typeof answer !== 'string') return fail(issues, path, M.wrongAnswerType);
      return ids.has(answer) ? answer : fail(issues, path, M.notAnOption);
    }
    case 'multipleChoice': {
      if (!Array.isArray(answer)) return fail(issues, path, M.wrongAnswerType);
      // Paths name the place in the answer as sent, before duplicates are dropped.
      answer.forEach((v, i) => {
        if (!ids.has(v)) fail(issues, `${path}.${i}`, M.notAnOption);
      });
      const chosen = [...new Set(answer)];
      if (question.maxChoices !== undefined && chosen.length > question.maxChoices) {
        fail(issues, path, fill(M.tooManyChoices, { max: question.maxChoices }));
      }
      return chosen;
    }
    case 'shortText':
    case 'longText': {
      if (typeof answer !== 'string') return fail(issues, path, M.wrongAnswerType);
      const text = answer.trim();
      return textLength(text) > question.maxLength ? fail(issues, path, fill(M.tooLong, { max: question.maxLength })) : text;
    }
  }
}

const NO_ANSWERS: Answers = Object.freeze({});

/** Checks one scope's answers (the respondent's, or one unit's) against the questions about it. */
function checkScope(
  rules: readonly QuestionRule[],
  byId: ReadonlyMap<string, QuestionRule>,
  about: 'unit' | 'respondent',
  given: Answers,
  prefix: string,
  issues: FieldIssue[],
  respondent: Answers,
): Answers {
  for (const key of Object.keys(given)) {
    const rule = byId.get(key);
    if (!rule) issues.push({ path: `${prefix}.${key}`, message: M.unknownQuestion });
    else if (rule.about !== about) issues.push({ path: `${prefix}.${key}`, message: about === 'unit' ? M.askedOnce : M.askedPerUnit });
  }
  const accepted: Answers = {};
  for (const rule of rules) {
    if (rule.about !== about) continue;
    const q = rule.question;
    const answer = Object.hasOwn(given, q.id) ? given[q.id] : undefined;
    const path = `${prefix}.${q.id}`;
    // A question is shown by the answers accepted so far, so a hidden answer can never show another question.
    if (q.showIf && !isShown(q, accepted, about === 'unit' ? respondent : NO_ANSWERS)) {
      if (!isEmpty(answer)) issues.push({ path, message: M.notAsked });
      continue;
    }
    const value = checkAnswer(rule, answer, path, issues);
    if (value !== undefined) accepted[q.id] = value;
  }
  return accepted;
}

/** checkAnswers against one form version, its questions read once: for whoever checks many ballots (the tally). */
export type AnswerRules = (input: { answers?: Answers; units: UnitAnswers }) => { issues: FieldIssue[]; accepted: AcceptedAnswers };

/** The rules checkAnswers applies to a form version's answers, read from its content once. */
export function answerRules(content: FormContent): AnswerRules {
  const onForm = new Set(content.unitIds);
  const rules = content.questions.map(ruleOf);
  const byId = new Map(rules.map((r) => [r.question.id, r]));
  return (input) => {
    const issues: FieldIssue[] = [];
    const unitIds = Object.keys(input.units);
    if (content.layout === 'oneUnit' && unitIds.length !== 1) issues.push({ path: 'units', message: M.oneUnitOnly });
    for (const unitId of unitIds) if (!onForm.has(unitId)) issues.push({ path: `units.${unitId}`, message: M.unitNotOnForm });
    if (content.layout === 'allUnits') {
      for (const unitId of content.unitIds) {
        if (!Object.hasOwn(input.units, unitId)) issues.push({ path: `units.${unitId}`, message: M.unitMissing });
      }
    }

    const answers = checkScope(rules, byId, 'respondent', input.answers ?? {}, 'answers', issues, NO_ANSWERS);
    const units: UnitAnswers = {};
    for (const unitId of unitIds) {
      if (!onForm.has(unitId)) continue;
      units[unitId] = checkScope(rules, byId, 'unit', input.units[unitId] ?? {}, `units.${unitId}`, issues, answers);
    }
    return { issues, accepted: { answers, units } };
  };
}

/**
 * Checks a submission's answers against a form version: the units (one on a one-unit form, all on an
 * all-units form, none the form does not rate), then every shown question — required answers present,
 * ratings on the scale, options real, texts within their length — and no answer to a hidden or unknown
 * question. Returns every issue at once, with the accepted (normalised) answers.
 */
export function checkAnswers(
  content: FormContent,
  input: { answers?: Answers; units: UnitAnswers },
): { issues: FieldIssue[]; accepted: AcceptedAnswers } {
  return answerRules(content)(input);
}

/** The respondent group of accepted answers: the group question's answer, or the form's default. */
export function groupOf(content: FormContent, answers: Answers): string {
  const question = content.questions.find((q) => q.type === 'group');
  const answer = question ? answers[question.id] : undefined;
  return typeof answer === 'string' ? answer : content.defaultGroup;
}
