import * as z from 'zod/mini';
import type { FieldIssue } from '../errors';
import { fill } from '../messages';
import { ZId } from '../ids';
import { ZDecimal } from '../numbers';
import { ZLocalizedLongText, ZLocalizedText } from '../text';
import { ANSWER_MESSAGES, FORM_MESSAGES as M } from './messages';
import { weightIssues } from './period';
import { aboutOf, conditionValues, ZQuestionId } from './questions';
import { ZRatingLevel, ZScaleId, scaleLevels, type RatingLevel } from './rating-scale';

/**
 * Evaluation forms (评议表): their questions, their two layouts and their life cycle. A form is made for
 * one period; it is edited as a draft and published as numbered versions that never change. Every response
 * names the version it answered and is counted on that version's scale, points and weights.
 */

export const QUESTION_TYPES = ['rating', 'dimensions', 'singleChoice', 'multipleChoice', 'shortText', 'longText', 'group'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** The longest answer any text question may take. */
export const TEXT_MAX_LENGTH = { shortText: 200, longText: 2000 } as const;

/** "Show this question when question `questionId` was answered with one of `anyOf`." */
export const ZCondition = z.object({
  questionId: ZQuestionId,
  anyOf: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(20)),
});
export type Condition = z.infer<typeof ZCondition>;

/**
 * Who a question is about: `unit` questions are answered for the unit being rated (once per unit on an
 * all-units page), `respondent` questions once per response. Rating questions are always about the unit,
 * the group question always about the respondent.
 */
export const ZAbout = z.enum(['unit', 'respondent']);
export type About = z.infer<typeof ZAbout>;

const common = {
  id: ZQuestionId,
  text: ZLocalizedText,
  help: z.optional(ZLocalizedLongText),
  required: z.boolean(),
  showIf: z.optional(ZCondition),
};

const ZOption = z.object({ id: z.string().check(z.regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/)), label: ZLocalizedText });
export type Option = z.infer<typeof ZOption>;

const ZPoints = z.partialRecord(ZRatingLevel, ZDecimal(0, 100));

const ratingFields = {
  scale: ZScaleId,
  allowDontKnow: z.boolean(),
  /** Points per level where they differ from the scale's defaults (domain.md: every number is configuration). */
  points: z.optional(ZPoints),
};

export const ZDimension = z.object({
  id: ZQuestionId,
  label: ZLocalizedText,
  /** w_d of S_g = Σ w_d × S_g,d; the weights of a question sum to 1. */
  weight: ZDecimal(0, 1),
});
export type Dimension = z.infer<typeof ZDimension>;

export const ZQuestion = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('rating'), ...common, ...ratingFields }),
    z.object({
      type: z.literal('dimensions'),
      ...common,
      ...ratingFields,
      dimensions: z.array(ZDimension).check(z.minLength(2), z.maxLength(12)),
    }),
    z.object({
      type: z.literal('singleChoice'),
      ...common,
      about: ZAbout,
      options: z.array(ZOption).check(z.minLength(2), z.maxLength(30)),
    }),
    z.object({
      type: z.literal('multipleChoice'),
      ...common,
      about: ZAbout,
      options: z.array(ZOption).check(z.minLength(2), z.maxLength(30)),
      maxChoices: z.optional(z.int().check(z.minimum(1), z.maximum(30))),
    }),
    z.object({
      type: z.literal('shortText'),
      ...common,
      about: ZAbout,
      maxLength: z.int().check(z.minimum(1), z.maximum(TEXT_MAX_LENGTH.shortText)),
    }),
    z.object({
      type: z.literal('longText'),
      ...common,
      about: ZAbout,
      maxLength: z.int().check(z.minimum(1), z.maximum(TEXT_MAX_LENGTH.longText)),
    }),
    /** The respondent's group (您的身份); its options are respondent group ids. */
    z.object({ type: z.literal('group'), ...common, options: z.array(ZId).check(z.minLength(1), z.maxLength(20)) }),
  ])
  .register(z.globalRegistry, { id: 'Question', description: 'One question of an evaluation form.' });
export type Question = z.infer<typeof ZQuestion>;
export type RatingQuestion = Extract<Question, { type: 'rating' | 'dimensions' }>;

/**
 * The two layouts of domain.md: `oneUnit` — one unit per response, picked on the page or fixed by a link
 * or QR code at a service window (一次一评); `allUnits` — every unit of the form on one page, each rated
 * or answered 不了解 (the annual 网上社会评议).
 */
export const LAYOUTS = ['oneUnit', 'allUnits'] as const;
export const ZLayout = z.enum(LAYOUTS);
export type Layout = z.infer<typeof ZLayout>;

/** What a form asks, of which units: a draft holds it, and each published version holds it frozen. */
export const ZFormContent = z
  .object({
    title: ZLocalizedText,
    intro: z.optional(ZLocalizedLongText),
    layout: ZLayout,
    /** The units rated on this form, in the order respondents see them. */
    unitIds: z.array(ZId).check(z.minLength(1), z.maxLength(500)),
    /** The group of a response whose form asks no group question. */
    defaultGroup: ZId,
    questions: z.array(ZQuestion).check(z.minLength(1), z.maxLength(60)),
  })
  .register(z.globalRegistry, { id: 'FormContent', description: 'The title, layout, units and questions of a form.' });
export type FormContent = z.infer<typeof ZFormContent>;

export const FORM_STATUSES = ['draft', 'published', 'closed'] as const;
export const ZFormStatus = z.enum(FORM_STATUSES);
export type FormStatus = z.infer<typeof ZFormStatus>;

/** A form as admins manage it: its draft, its life-cycle status and its latest published version. */
export const ZForm = z
  .object({
    formId: ZId,
    /** The period the form is made for; fixed at creation. */
    periodId: ZId,
    status: ZFormStatus,
    draft: ZFormContent,
    /** Revision of the draft, raised by every save; a save or publish names the revision it started from. */
    rev: z.int().check(z.minimum(1)),
    /** The newest published version; 0 before the first publication. */
    latestVersion: z.int().check(z.minimum(0)),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'Form', description: 'An evaluation form (评议表) with its draft and life cycle.' });
export type Form = z.infer<typeof ZForm>;

/** A published version: never changed, never deleted; responses name it. */
export const ZFormVersion = z
  .object({
    formId: ZId,
    periodId: ZId,
    version: z.int().check(z.minimum(1)),
    content: ZFormContent,
    publishedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: 'FormVersion', description: 'A published, immutable version of a form.' });
export type FormVersion = z.infer<typeof ZFormVersion>;

/** A version named in a path: `/forms/{formId}/versions/{version}`. */
export const ZFormVersionParams = z.object({ formId: ZId, version: z.coerce.number().check(z.int(), z.minimum(1)) });

/**
 * The most a form's content may weigh: a draft and a published version are each stored whole in one item,
 * and DynamoDB takes at most 400 KB an item. Real forms weigh a few KB.
 */
export const FORM_CONTENT_MAX_BYTES = 200 * 1024;

/** What the form rules need to know about the catalog. */
export interface FormCatalogView {
  /** Units by id: retired ones may stay on a published form but not be put on a new version. */
  units: ReadonlyMap<string, { retired: boolean }>;
  groupIds: ReadonlySet<string>;
}

/**
 * The rules of a form's content beyond its shape, every failing field at once: unique ids, exactly one
 * rating question that is always asked, dimension weights summing to 1, conditions that refer to an
 * earlier question's real answers in the same or a wider scope, at most one group question, an all-units
 * form that allows 不了解, and (given the catalog) existing, active units and groups.
 */
export function formContentIssues(content: FormContent, catalog?: FormCatalogView): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: FieldIssue['message']) => issues.push({ path, message });

  const bytes = new TextEncoder().encode(JSON.stringify(content)).length;
  if (bytes > FORM_CONTENT_MAX_BYTES) {
    add('', fill(M.formTooLarge, { kb: Math.ceil(bytes / 1024), max: FORM_CONTENT_MAX_BYTES / 1024 }));
  }

  const seenUnits = new Set<string>();
  content.unitIds.forEach((id, i) => {
    if (seenUnits.has(id)) add(`unitIds.${i}`, fill(M.duplicateId, { id }));
    seenUnits.add(id);
    const unit = catalog?.units.get(id);
    if (catalog && !unit) add(`unitIds.${i}`, fill(M.unknownUnit, { id }));
    else if (unit?.retired) add(`unitIds.${i}`, fill(M.retiredUnit, { id }));
  });
  if (catalog && !catalog.groupIds.has(content.defaultGroup)) {
    add('defaultGroup', fill(M.unknownGroup, { id: content.defaultGroup }));
  }

  const scored = content.questions.filter((q) => q.type === 'rating' || q.type === 'dimensions');
  if (scored.length !== 1) add('questions', M.oneScoredQuestion);
  if (content.questions.filter((q) => q.type === 'group').length > 1) add('questions', M.oneGroupQuestion);

  const earlier = new Map<string, Question>();
  content.questions.forEach((q, i) => {
    const at = `questions.${i}`;
    if (earlier.has(q.id)) add(`${at}.id`, fill(M.duplicateId, { id: q.id }));

    if (q.type === 'rating' || q.type === 'dimensions') {
      if (!q.required || q.showIf) add(at, M.scoredAlwaysShown);
      if (content.layout === 'allUnits' && !q.allowDontKnow) add(`${at}.allowDontKnow`, M.allUnitsNeedsDontKnow);
      if (q.points) {
        const onScale = new Set(scaleLevels(q.scale).map((l) => l.key));
        for (const level of Object.keys(q.points)) {
          if (!onScale.has(level as RatingLevel)) add(`${at}.points.${level}`, ANSWER_MESSAGES.ratingNotOnScale);
        }
      }
    }
    if (q.type === 'dimensions') {
      const ids = new Set<string>();
      q.dimensions.forEach((d, j) => {
        if (ids.has(d.id)) add(`${at}.dimensions.${j}.id`, fill(M.duplicateId, { id: d.id }));
        ids.add(d.id);
      });
      issues.push(...weightIssues(`${at}.dimensions`, Object.fromEntries(q.dimensions.map((d, j) => [String(j), d.weight]))));
    }
    if (q.type === 'singleChoice' || q.type === 'multipleChoice') {
      const ids = new Set<string>();
      q.options.forEach((o, j) => {
        if (ids.has(o.id)) add(`${at}.options.${j}.id`, fill(M.duplicateId, { id: o.id }));
        ids.add(o.id);
      });
    }
    if (q.type === 'group') {
      q.options.forEach((groupId, j) => {
        if (catalog && !catalog.groupIds.has(groupId)) add(`${at}.options.${j}`, fill(M.unknownGroup, { id: groupId }));
      });
    }

    if (q.showIf) {
      const source = earlier.get(q.showIf.questionId);
      const values = source && conditionValues(source);
      if (!source || !values) {
        add(`${at}.showIf.questionId`, M.conditionOnEarlier);
      } else {
        if (aboutOf(q) === 'respondent' && aboutOf(source) === 'unit') add(`${at}.showIf.questionId`, M.conditionAcrossScopes);
        q.showIf.anyOf.forEach((value, j) => {
          if (!values.includes(value)) add(`${at}.showIf.anyOf.${j}`, M.conditionValue);
        });
      }
    }
    earlier.set(q.id, q);
  });
  return issues;
}
