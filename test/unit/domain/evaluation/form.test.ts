import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../../../functions/domain/errors';
import { formContentIssues, type FormCatalogView, type Question, type RatingQuestion } from '../../../../functions/domain/evaluation/form';
import { levelPoints } from '../../../../functions/domain/evaluation/questions';
import { ANSWER_MESSAGES, FORM_MESSAGES as M, PERIOD_MESSAGES } from '../../../../functions/domain/evaluation/messages';
import {
  aChoiceQuestion,
  aCommentQuestion,
  aDimensionsQuestion,
  aFormContent,
  aGroupQuestion,
  aMultipleChoiceQuestion,
  aRatingQuestion,
  anAllUnitsContent,
  STANDARD_GROUP_IDS,
} from '../../../fixtures/catalog';

const catalog = (overrides: Partial<FormCatalogView> = {}): FormCatalogView => ({
  units: new Map([
    ['tax-bureau', { retired: false }],
    ['service-centre', { retired: false }],
    ['old-office', { retired: true }],
  ]),
  groupIds: new Set(STANDARD_GROUP_IDS),
  ...overrides,
});

const pathsOf = (issues: FieldIssue[]) => issues.map((i) => i.path);

const dimensionsWithWeights = (...weights: number[]): Question =>
  aDimensionsQuestion({
    dimensions: weights.map((weight, i) => ({ id: `d${i}`, label: { 'zh-CN': `维度${i}`, en: `Dimension ${i}` }, weight })),
  });

describe('formContentIssues', () => {
  it('finds nothing wrong with the one-unit form and the all-units annual form', () => {
    const forms = [aFormContent(), anAllUnitsContent()];

    const issues = forms.map((content) => formContentIssues(content, catalog()));

    expect(issues).toEqual([[], []]);
  });

  describe('the rating question', () => {
    it('is required: a form without one is refused', () => {
      const content = aFormContent({ questions: [aGroupQuestion(), aCommentQuestion()] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions', message: M.oneScoredQuestion }]);
    });

    it('is only one: a rating and a dimension matrix together are refused', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aDimensionsQuestion()] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions', message: M.oneScoredQuestion }]);
    });

    it('must be required', () => {
      const content = aFormContent({ questions: [aGroupQuestion(), aRatingQuestion({ required: false })] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions.1', message: M.scoredAlwaysShown }]);
    });

    it('must always be shown, never behind a condition', () => {
      const content = aFormContent({
        questions: [aChoiceQuestion(), aRatingQuestion({ showIf: { questionId: 'channel', anyOf: ['window'] } })],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions.1', message: M.scoredAlwaysShown }]);
    });

    it('may override points only for levels of its own scale', () => {
      const content = aFormContent({ questions: [aRatingQuestion({ scale: 'three', points: { satisfied: 90, verySatisfied: 100 } })] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions.0.points.verySatisfied', message: ANSWER_MESSAGES.ratingNotOnScale }]);
    });
  });

  describe('dimension weights', () => {
    it('must sum to 1, naming the dimensions field and the sum', () => {
      const content = anAllUnitsContent({ questions: [aGroupQuestion(), dimensionsWithWeights(0.3, 0.3, 0.2, 0.1)] });

      const issues = formContentIssues(content);

      expect(pathsOf(issues)).toEqual(['questions.1.dimensions']);
      expect(issues[0]?.message.en).toBe('The weights must sum to 1 (they sum to 0.9).');
      expect(issues[0]?.message['zh-CN']).toBe('权重之和须等于 1（现为 0.9）。');
    });

    it('pass when decimal weights sum to 1 only up to binary rounding (0.1 + 0.2 + 0.7)', () => {
      const content = anAllUnitsContent({ questions: [aGroupQuestion(), dimensionsWithWeights(0.1, 0.2, 0.7)] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([]);
    });

    it('may not all be zero, and the message does not speak of respondent groups', () => {
      const content = anAllUnitsContent({ questions: [aGroupQuestion(), dimensionsWithWeights(0, 0)] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions.1.dimensions', message: PERIOD_MESSAGES.needsAWeight }]);
      expect(issues[0]?.message).toEqual({ 'zh-CN': '权重不能全为 0，至少设置一项权重。', en: 'Give at least one of these a weight above 0.' });
    });
  });

  describe('ids', () => {
    it('are unique among questions, dimensions, options and units, each duplicate named where it repeats', () => {
      const content = aFormContent({
        unitIds: ['tax-bureau', 'service-centre', 'tax-bureau'],
        questions: [
          aDimensionsQuestion({
            dimensions: [
              { id: 'attitude', label: { 'zh-CN': '服务态度', en: 'Attitude' }, weight: 0.5 },
              { id: 'attitude', label: { 'zh-CN': '态度', en: 'Manner' }, weight: 0.5 },
            ],
          }),
          aChoiceQuestion({
            options: [
              { id: 'online', label: { 'zh-CN': '网上', en: 'Online' } },
              { id: 'online', label: { 'zh-CN': '线上', en: 'On the web' } },
            ],
          }),
          aCommentQuestion({ id: 'channel' }),
        ],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([
        { path: 'unitIds.2', message: { 'zh-CN': '编号“tax-bureau”重复。', en: 'The id "tax-bureau" is used twice.' } },
        { path: 'questions.0.dimensions.1.id', message: { 'zh-CN': '编号“attitude”重复。', en: 'The id "attitude" is used twice.' } },
        { path: 'questions.1.options.1.id', message: { 'zh-CN': '编号“online”重复。', en: 'The id "online" is used twice.' } },
        { path: 'questions.2.id', message: { 'zh-CN': '编号“channel”重复。', en: 'The id "channel" is used twice.' } },
      ]);
    });
  });

  describe('conditions', () => {
    it('may refer to an earlier choice, rating or group question', () => {
      const content = aFormContent({
        questions: [
          aGroupQuestion(),
          aChoiceQuestion({ showIf: { questionId: 'group', anyOf: ['enterprise'] } }),
          aRatingQuestion(),
          aMultipleChoiceQuestion({ showIf: { questionId: 'overall', anyOf: ['dissatisfied', 'veryDissatisfied'] } }),
          aCommentQuestion({ showIf: { questionId: 'problems', anyOf: ['fees'] } }),
        ],
      });

      const issues = formContentIssues(content, catalog());

      expect(issues).toEqual([]);
    });

    it('may not refer to a later question, to itself or to a question that does not exist', () => {
      const content = aFormContent({
        questions: [
          aChoiceQuestion({ showIf: { questionId: 'problems', anyOf: ['slow'] } }),
          aRatingQuestion(),
          aMultipleChoiceQuestion({ showIf: { questionId: 'problems', anyOf: ['slow'] } }),
          aCommentQuestion({ showIf: { questionId: 'nowhere', anyOf: ['x'] } }),
        ],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([
        { path: 'questions.0.showIf.questionId', message: M.conditionOnEarlier },
        { path: 'questions.2.showIf.questionId', message: M.conditionOnEarlier },
        { path: 'questions.3.showIf.questionId', message: M.conditionOnEarlier },
      ]);
    });

    it('may not refer to a text question or a dimension matrix, which have no answers to match', () => {
      const content = anAllUnitsContent({
        questions: [
          aDimensionsQuestion(),
          aCommentQuestion(),
          aMultipleChoiceQuestion({ showIf: { questionId: 'comment', anyOf: ['slow'] } }),
          aChoiceQuestion({ about: 'unit', showIf: { questionId: 'evaluation', anyOf: ['satisfied'] } }),
        ],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([
        { path: 'questions.2.showIf.questionId', message: M.conditionOnEarlier },
        { path: 'questions.3.showIf.questionId', message: M.conditionOnEarlier },
      ]);
    });

    it('must name answers the referred question has, each wrong value named by its path', () => {
      const content = aFormContent({
        questions: [
          aChoiceQuestion(),
          aRatingQuestion({ allowDontKnow: false }),
          aCommentQuestion({ showIf: { questionId: 'overall', anyOf: ['dissatisfied', 'dontKnow', 'terrible'] } }),
        ],
      });

      const issues = formContentIssues(content);

      expect(pathsOf(issues)).toEqual(['questions.2.showIf.anyOf.1', 'questions.2.showIf.anyOf.2']);
      expect(issues[1]?.message.en).toBe('This is not an answer of the question referred to.');
    });

    it('may name 不了解 of a rating question that allows it', () => {
      const content = aFormContent({
        questions: [aRatingQuestion({ allowDontKnow: true }), aCommentQuestion({ showIf: { questionId: 'overall', anyOf: ['dontKnow'] } })],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([]);
    });

    it('must not make a question asked once per response depend on a question asked per unit', () => {
      const content = aFormContent({
        questions: [
          aRatingQuestion(),
          aChoiceQuestion({ about: 'respondent', showIf: { questionId: 'overall', anyOf: ['veryDissatisfied'] } }),
        ],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([{ path: 'questions.1.showIf.questionId', message: M.conditionAcrossScopes }]);
    });

    it('let a question about the unit depend on a question about the respondent', () => {
      const content = aFormContent({
        questions: [aChoiceQuestion({ about: 'respondent' }), aRatingQuestion(), aCommentQuestion({ showIf: { questionId: 'channel', anyOf: ['window'] } })],
      });

      const issues = formContentIssues(content);

      expect(issues).toEqual([]);
    });
  });

  it('requires an all-units form to allow 不了解, so that respondents rate only the units they know', () => {
    const content = anAllUnitsContent({ questions: [aGroupQuestion(), aDimensionsQuestion({ allowDontKnow: false })] });

    const issues = formContentIssues(content);

    expect(issues).toEqual([{ path: 'questions.1.allowDontKnow', message: M.allUnitsNeedsDontKnow }]);
  });

  it('lets a one-unit form leave 不了解 out', () => {
    const content = aFormContent({ questions: [aRatingQuestion({ allowDontKnow: false })] });

    const issues = formContentIssues(content);

    expect(issues).toEqual([]);
  });

  it('allows at most one group question', () => {
    const content = aFormContent({ questions: [aGroupQuestion(), aRatingQuestion(), { ...aGroupQuestion(), id: 'group2' }] });

    const issues = formContentIssues(content);

    expect(issues).toEqual([{ path: 'questions', message: M.oneGroupQuestion }]);
  });

  describe('given the catalog', () => {
    it('names unknown and retired units, an unknown default group and unknown group options', () => {
      const content = aFormContent({
        unitIds: ['tax-bureau', 'nowhere', 'old-office'],
        defaultGroup: 'tourist',
        questions: [aGroupQuestion(['citizen', 'martian']), aRatingQuestion()],
      });

      const issues = formContentIssues(content, catalog());

      expect(issues).toEqual([
        { path: 'unitIds.1', message: { 'zh-CN': '没有编号为“nowhere”的单位。', en: 'There is no unit "nowhere".' } },
        {
          path: 'unitIds.2',
          message: { 'zh-CN': '单位“old-office”已撤销，不能再列入评议表。', en: 'Unit "old-office" is retired and cannot be put on a form.' },
        },
        { path: 'defaultGroup', message: { 'zh-CN': '没有编号为“tourist”的评议人类别。', en: 'There is no respondent group "tourist".' } },
        { path: 'questions.0.options.1', message: { 'zh-CN': '没有编号为“martian”的评议人类别。', en: 'There is no respondent group "martian".' } },
      ]);
    });

    it('are not checked without a catalog view', () => {
      const content = aFormContent({ unitIds: ['nowhere'], defaultGroup: 'tourist', questions: [aGroupQuestion(['martian']), aRatingQuestion()] });

      const issues = formContentIssues(content);

      expect(issues).toEqual([]);
    });
  });

  it('names every failing field at once', () => {
    const content = anAllUnitsContent({
      unitIds: ['tax-bureau', 'nowhere'],
      questions: [
        aGroupQuestion(),
        aDimensionsQuestion({ allowDontKnow: false, required: false }),
        aCommentQuestion({ showIf: { questionId: 'later', anyOf: ['x'] } }),
        aChoiceQuestion({ id: 'later' }),
      ],
    });

    const issues = formContentIssues(content, catalog());

    expect(pathsOf(issues)).toEqual([
      'unitIds.1',
      'questions.1',
      'questions.1.allowDontKnow',
      'questions.2.showIf.questionId',
    ]);
  });
});

describe('levelPoints', () => {
  it('gives the scale defaults, with the question overriding some levels', () => {
    const fiveLevels = aRatingQuestion() as RatingQuestion;
    const threeLevels = aRatingQuestion({ scale: 'three', points: { basicallySatisfied: 50 } }) as RatingQuestion;

    const five = [...levelPoints(fiveLevels)];
    const three = [...levelPoints(threeLevels)];

    expect(five).toEqual([
      ['verySatisfied', 100],
      ['satisfied', 80],
      ['basicallySatisfied', 60],
      ['dissatisfied', 0],
      ['veryDissatisfied', 0],
    ]);
    expect(three).toEqual([
      ['satisfied', 100],
      ['basicallySatisfied', 50],
      ['dissatisfied', 0],
    ]);
  });
});

describe('the size of a form', () => {
  it('refuses a form too large to be stored in one item, saying by how much', () => {
    const long = (n: number) => ({ 'zh-CN': '长'.repeat(n), en: 'x'.repeat(n) });
    const options = Array.from({ length: 30 }, (_, i) => ({ id: `o${i}`, label: long(200) }));
    const questions = [aRatingQuestion(), ...Array.from({ length: 59 }, (_, i) => aChoiceQuestion({ id: `q${i}`, text: long(200), options }))];

    const issues = formContentIssues(aFormContent({ questions }));

    expect(issues.find((i) => i.path === '')?.message.en).toMatch(/^The form is too large \(\d+ KB; at most 200 KB\)/);
    expect(formContentIssues(aFormContent()).some((i) => i.path === '')).toBe(false);
  });
});
