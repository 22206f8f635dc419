import { describe, expect, it } from 'vitest';
import { answerRules, checkAnswers, groupOf, isShown } from '../../../../functions/domain/evaluation/answers';
import type { SubmissionInput } from '../../../../functions/domain/evaluation/response';
import type { FieldIssue } from '../../../../functions/domain/errors';
import { ANSWER_MESSAGES as M } from '../../../../functions/domain/evaluation/messages';
import {
  aChoiceQuestion,
  aCommentQuestion,
  aDimensionsQuestion,
  aFormContent,
  aGroupQuestion,
  aMultipleChoiceQuestion,
  aRatingQuestion,
  anAllUnitsContent,
} from '../../../fixtures/catalog';

type Given = Pick<SubmissionInput, 'answers' | 'units'>;

const pathsOf = (issues: FieldIssue[]) => issues.map((i) => i.path);

/** The four dimensions of anAllUnitsContent(), all rated `level`. */
const allDimensions = (level: string) => ({ evaluation: { attitude: level, efficiency: level, integrity: level, policy: level } });

/** A one-unit form: the group, a channel asked once, the rating, problems shown after a low rating, a comment shown after `fees`. */
const chainedContent = () =>
  aFormContent({
    questions: [
      aGroupQuestion(),
      aChoiceQuestion(),
      aRatingQuestion(),
      aMultipleChoiceQuestion({ showIf: { questionId: 'overall', anyOf: ['dissatisfied', 'veryDissatisfied'] } }),
      aCommentQuestion({ showIf: { questionId: 'problems', anyOf: ['fees'] } }),
    ],
  });

describe('checkAnswers', () => {
  it('accepts a one-unit response and returns its answers normalised: text trimmed, empty optional answers dropped', () => {
    const given: Given = {
      answers: { group: 'enterprise' },
      units: { 'tax-bureau': { overall: 'veryDissatisfied', comment: '  窗口排队两个小时  ' } },
    };

    const { issues, accepted } = checkAnswers(aFormContent(), given);

    expect(issues).toEqual([]);
    expect(accepted).toEqual({
      answers: { group: 'enterprise' },
      units: { 'tax-bureau': { overall: 'veryDissatisfied', comment: '窗口排队两个小时' } },
    });
  });

  it('drops an optional text that is only blanks', () => {
    const given: Given = { answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: 'satisfied', comment: '   ' } } };

    const { issues, accepted } = checkAnswers(aFormContent(), given);

    expect(issues).toEqual([]);
    expect(accepted.units['tax-bureau']).toEqual({ overall: 'satisfied' });
  });

  describe('on a one-unit form', () => {
    it('refuses a response rating no unit', () => {
      const given: Given = { answers: { group: 'citizen' }, units: {} };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([{ path: 'units', message: M.oneUnitOnly }]);
    });

    it('refuses a response rating two units', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': { overall: 'satisfied' }, 'service-centre': { overall: 'satisfied' } },
      };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([{ path: 'units', message: M.oneUnitOnly }]);
    });

    it('refuses a unit the form does not rate, and keeps it out of the accepted answers', () => {
      const given: Given = { answers: { group: 'citizen' }, units: { nowhere: { overall: 'satisfied' } } };

      const { issues, accepted } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([{ path: 'units.nowhere', message: M.unitNotOnForm }]);
      expect(accepted.units).toEqual({});
    });
  });

  describe('on an all-units form', () => {
    it('accepts every unit rated or answered 不了解', () => {
      const given: Given = {
        answers: { group: 'deputy' },
        units: { 'tax-bureau': allDimensions('satisfied'), 'service-centre': allDimensions('dontKnow') },
      };

      const { issues, accepted } = checkAnswers(anAllUnitsContent(), given);

      expect(issues).toEqual([]);
      expect(accepted.units).toEqual(given.units);
    });

    it('asks for every unit of the form, naming each one missing', () => {
      const given: Given = { answers: { group: 'citizen' }, units: { 'tax-bureau': allDimensions('satisfied') } };

      const { issues } = checkAnswers(anAllUnitsContent(), given);

      expect(issues).toEqual([{ path: 'units.service-centre', message: M.unitMissing }]);
    });

    it('refuses an extra unit the form does not rate', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': allDimensions('satisfied'), 'service-centre': allDimensions('satisfied'), nowhere: allDimensions('satisfied') },
      };

      const { issues } = checkAnswers(anAllUnitsContent(), given);

      expect(issues).toEqual([{ path: 'units.nowhere', message: M.unitNotOnForm }]);
    });
  });

  it('requires required answers in both scopes', () => {
    const given: Given = { answers: {}, units: { 'tax-bureau': { comment: '很好' } } };

    const { issues } = checkAnswers(aFormContent(), given);

    expect(issues).toEqual([
      { path: 'answers.group', message: M.required },
      { path: 'units.tax-bureau.overall', message: M.required },
    ]);
  });

  describe('ratings', () => {
    it('refuse a level off the question scale', () => {
      const content = aFormContent({ questions: [aRatingQuestion({ scale: 'three' })] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'verySatisfied' } } };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.overall', message: M.ratingNotOnScale }]);
    });

    it('take 不了解 only where the question allows it', () => {
      const strict = aFormContent({ questions: [aRatingQuestion({ allowDontKnow: false })] });
      const lenient = aFormContent({ questions: [aRatingQuestion({ allowDontKnow: true })] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'dontKnow' } } };

      const refused = checkAnswers(strict, given).issues;
      const taken = checkAnswers(lenient, given).issues;

      expect(refused).toEqual([{ path: 'units.tax-bureau.overall', message: M.ratingNotOnScale }]);
      expect(taken).toEqual([]);
    });

    it('take the lowest level like any other', () => {
      const given: Given = { answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: 'veryDissatisfied' } } };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([]);
    });

    it('refuse an answer of the wrong form', () => {
      const given: Given = { answers: { group: 'citizen' }, units: { 'tax-bureau': { overall: ['satisfied'] } } };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.overall', message: M.wrongAnswerType }]);
    });
  });

  describe('dimension matrices', () => {
    it('name each missing dimension', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': { evaluation: { attitude: 'satisfied', efficiency: 'satisfied' } }, 'service-centre': allDimensions('dontKnow') },
      };

      const { issues } = checkAnswers(anAllUnitsContent(), given);

      expect(issues).toEqual([
        { path: 'units.tax-bureau.evaluation.integrity', message: M.required },
        { path: 'units.tax-bureau.evaluation.policy', message: M.required },
      ]);
    });

    it('name a level off the scale and a dimension the question does not have', () => {
      const content = anAllUnitsContent({ questions: [aGroupQuestion(), aDimensionsQuestion({ scale: 'three' })] });
      const given: Given = {
        answers: { group: 'citizen' },
        units: {
          'tax-bureau': { evaluation: { attitude: 'verySatisfied', efficiency: 'satisfied', integrity: 'satisfied', policy: 'satisfied', speed: 'satisfied' } },
          'service-centre': allDimensions('dontKnow'),
        },
      };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([
        { path: 'units.tax-bureau.evaluation.speed', message: M.unknownQuestion },
        { path: 'units.tax-bureau.evaluation.attitude', message: M.ratingNotOnScale },
      ]);
    });

    it('take 不了解 per dimension only where the question allows it', () => {
      const content = aFormContent({ questions: [aDimensionsQuestion({ allowDontKnow: false })] });
      const given: Given = {
        answers: {},
        units: { 'tax-bureau': { evaluation: { attitude: 'satisfied', efficiency: 'dontKnow', integrity: 'satisfied', policy: 'satisfied' } } },
      };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.evaluation.efficiency', message: M.ratingNotOnScale }]);
    });

    it('refuse a single rating where a matrix is asked', () => {
      const given: Given = { answers: { group: 'citizen' }, units: { 'tax-bureau': { evaluation: 'satisfied' }, 'service-centre': allDimensions('dontKnow') } };

      const { issues } = checkAnswers(anAllUnitsContent(), given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.evaluation', message: M.wrongAnswerType }]);
    });
  });

  describe('choices', () => {
    it('refuse an option the question does not offer, and a group the form does not offer', () => {
      const content = aFormContent({ questions: [aGroupQuestion(['citizen', 'enterprise']), aChoiceQuestion(), aRatingQuestion()] });
      const given: Given = { answers: { group: 'deputy', channel: 'fax' }, units: { 'tax-bureau': { overall: 'satisfied' } } };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([
        { path: 'answers.group', message: M.notAnOption },
        { path: 'answers.channel', message: M.notAnOption },
      ]);
    });

    it('take several options up to the maximum, each chosen once', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aMultipleChoiceQuestion()] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['slow', 'rude', 'slow'] } } };

      const { issues, accepted } = checkAnswers(content, given);

      expect(issues).toEqual([]);
      expect(accepted.units['tax-bureau']?.problems).toEqual(['slow', 'rude']);
    });

    it('refuse more options than the maximum', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aMultipleChoiceQuestion({ maxChoices: 2 })] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['slow', 'rude', 'fees'] } } };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([
        { path: 'units.tax-bureau.problems', message: { 'zh-CN': '最多选择 2 项。', en: 'Choose at most 2.' } },
      ]);
    });

    it('name an option not offered by its place in the answer as sent', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aMultipleChoiceQuestion()] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['slow', 'slow', 'bribes'] } } };

      const { issues } = checkAnswers(content, given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.problems.2', message: M.notAnOption }]);
    });
  });

  describe('texts', () => {
    it('refuse a text longer than the question allows once trimmed, and accept one that fits once trimmed', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aCommentQuestion({ maxLength: 5 })] });
      const tooLong: Given = { answers: {}, units: { 'tax-bureau': { overall: 'satisfied', comment: '一二三四五六' } } };
      const fits: Given = { answers: {}, units: { 'tax-bureau': { overall: 'satisfied', comment: '   一二三四五   ' } } };

      const refused = checkAnswers(content, tooLong);
      const taken = checkAnswers(content, fits);

      expect(refused.issues).toEqual([{ path: 'units.tax-bureau.comment', message: { 'zh-CN': '不能超过 5 个字。', en: 'At most 5 characters.' } }]);
      expect(taken.issues).toEqual([]);
      expect(taken.accepted.units['tax-bureau']?.comment).toBe('一二三四五');
    });

    it('count characters as people do: a rare character outside the basic plane is one, not two', () => {
      const content = aFormContent({ questions: [aRatingQuestion(), aCommentQuestion({ maxLength: 3 })] });
      const given: Given = { answers: {}, units: { 'tax-bureau': { overall: 'satisfied', comment: '𠀀𠀁𠀂' } } };

      const { issues } = checkAnswers(content, given);

      expect('𠀀𠀁𠀂'.length).toBe(6);
      expect(issues).toEqual([]);
    });
  });

  describe('conditions', () => {
    it('refuse an answer to a question that is not shown', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': { overall: 'satisfied', problems: ['slow'] } },
      };

      const { issues } = checkAnswers(chainedContent(), given);

      expect(issues).toEqual([{ path: 'units.tax-bureau.problems', message: M.notAsked }]);
    });

    it('follow a chain: an answer to a hidden question never shows the question after it', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': { overall: 'satisfied', problems: ['fees'], comment: '收费不透明' } },
      };

      const { issues } = checkAnswers(chainedContent(), given);

      expect(issues).toEqual([
        { path: 'units.tax-bureau.problems', message: M.notAsked },
        { path: 'units.tax-bureau.comment', message: M.notAsked },
      ]);
    });

    it('take the whole chain when each condition is met', () => {
      const given: Given = {
        answers: { group: 'citizen' },
        units: { 'tax-bureau': { overall: 'veryDissatisfied', problems: ['fees'], comment: '收费不透明' } },
      };

      const { issues, accepted } = checkAnswers(chainedContent(), given);

      expect(issues).toEqual([]);
      expect(accepted.units['tax-bureau']).toEqual({ overall: 'veryDissatisfied', problems: ['fees'], comment: '收费不透明' });
    });

    it('show a question about the unit by an answer about the respondent', () => {
      const content = aFormContent({
        questions: [aChoiceQuestion(), aRatingQuestion(), aCommentQuestion({ required: true, showIf: { questionId: 'channel', anyOf: ['window'] } })],
      });
      const atWindow: Given = { answers: { channel: 'window' }, units: { 'tax-bureau': { overall: 'satisfied' } } };
      const online: Given = { answers: { channel: 'online' }, units: { 'tax-bureau': { overall: 'satisfied' } } };

      const shown = checkAnswers(content, atWindow).issues;
      const hidden = checkAnswers(content, online).issues;

      expect(shown).toEqual([{ path: 'units.tax-bureau.comment', message: M.required }]);
      expect(hidden).toEqual([]);
    });
  });

  describe('placement', () => {
    it('refuses a question the form does not have, in either scope', () => {
      const given: Given = { answers: { group: 'citizen', mood: 'fine' }, units: { 'tax-bureau': { overall: 'satisfied', speed: 'fast' } } };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([
        { path: 'answers.mood', message: M.unknownQuestion },
        { path: 'units.tax-bureau.speed', message: M.unknownQuestion },
      ]);
    });

    it('wants questions about the unit under the unit, and questions about the respondent once', () => {
      const given: Given = { answers: { overall: 'satisfied' }, units: { 'tax-bureau': { group: 'citizen' } } };

      const { issues } = checkAnswers(aFormContent(), given);

      expect(issues).toEqual([
        { path: 'answers.overall', message: M.askedPerUnit },
        { path: 'answers.group', message: M.required },
        { path: 'units.tax-bureau.group', message: M.askedOnce },
        { path: 'units.tax-bureau.overall', message: M.required },
      ]);
    });
  });

  it('names every failing field at once', () => {
    const content = aFormContent({ questions: [aGroupQuestion(), aRatingQuestion(), aMultipleChoiceQuestion(), aCommentQuestion({ maxLength: 3 })] });
    const given: Given = {
      answers: { group: 'tourist' },
      units: { 'tax-bureau': { overall: 'great', problems: ['slow', 'rude', 'fees'], comment: '太慢了太慢了' } },
    };

    const { issues } = checkAnswers(content, given);

    expect(pathsOf(issues)).toEqual([
      'answers.group',
      'units.tax-bureau.overall',
      'units.tax-bureau.problems',
      'units.tax-bureau.comment',
    ]);
  });
});

describe('answerRules', () => {
  it('checks submission after submission with the rules of one version read once, each as checkAnswers does', () => {
    // prepare
    const content = chainedContent();
    const submissions: Given[] = [
      { answers: { group: 'citizen', channel: 'window' }, units: { 'tax-bureau': { overall: 'satisfied' } } },
      { answers: { group: 'nobody' }, units: { 'tax-bureau': { overall: 'dissatisfied', problems: ['fees', 'rude', 'fees'], comment: ' 乱收费 ' } } },
      { answers: { group: 'citizen', overall: 'satisfied' }, units: { 'tax-bureau': { overall: 'satisfied', comment: 'hidden' }, police: {} } },
      { answers: { group: 'citizen', channel: 'window' }, units: { 'tax-bureau': { overall: 'satisfied' } } },
    ];

    // act
    const rules = answerRules(content);
    const checked = submissions.map((s) => rules(s));

    // assert
    expect(checked).toEqual(submissions.map((s) => checkAnswers(content, s)));
    expect(checked[1]!.issues.length).toBeGreaterThan(0);
    expect(checked[2]!.issues.length).toBeGreaterThan(0);
    expect(checked[3]).toEqual(checked[0]);
    expect(checked[3]!.accepted).not.toBe(checked[0]!.accepted);
  });
});

describe('isShown', () => {
  it('shows a question without a condition whatever the answers', () => {
    const question = aCommentQuestion();

    const shown = isShown(question);

    expect(shown).toBe(true);
  });

  it('reads the condition from the first scope that answered it, single or multiple', () => {
    const question = aCommentQuestion({ showIf: { questionId: 'problems', anyOf: ['fees'] } });

    const fromUnit = isShown(question, { problems: ['slow', 'fees'] }, { problems: ['slow'] });
    const fromRespondent = isShown(question, {}, { problems: 'fees' });
    const notMet = isShown(question, { problems: ['slow'] }, { problems: ['fees'] });

    expect([fromUnit, fromRespondent, notMet]).toEqual([true, true, false]);
  });
});

describe('groupOf', () => {
  it("is the group question's answer", () => {
    const group = groupOf(aFormContent(), { group: 'enterprise' });

    expect(group).toBe('enterprise');
  });

  it("is the form's default group when the form asks none, or the optional question was not answered", () => {
    const noQuestion = aFormContent({ questions: [aRatingQuestion()], defaultGroup: 'citizen' });
    const optional = aFormContent({ questions: [{ ...aGroupQuestion(), required: false }, aRatingQuestion()], defaultGroup: 'enterprise' });

    const groups = [groupOf(noQuestion, {}), groupOf(optional, {})];

    expect(groups).toEqual(['citizen', 'enterprise']);
  });
});
