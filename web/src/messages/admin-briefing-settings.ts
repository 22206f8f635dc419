import { catalog } from '../app/i18n';

/**
 * Strings of the admin's briefing settings page (简报设置): the issuing office, the below-threshold
 * thresholds and the next number of each kind. The kinds' names come from functions/domain/briefings/messages.ts;
 * the rules' messages (ranges, a number already published) from the API.
 */
export const adminBriefingSettings = catalog(
  {
    title: '简报设置',
    intro: '新起草（或刷新）的简报和月报告使用这里的发文机关和低于标准的门槛；已发布的简报保持发布时的内容。',
    usingDefaults: '目前使用默认设置，尚未保存过。',
    officeLabel: '发文机关',
    officeHint: (p: { office: string }) => `印在简报标题下方。默认：${p.office}`,
    thresholdsHeading: '低于标准的门槛',
    scoreLabel: '综合得分低于（分）',
    scoreHint: (p: { score: number }) => `0 至 100。默认 ${p.score} 分。`,
    rateLabel: '满意率低于（%）',
    rateHint: (p: { rate: number }) => `0 至 100。默认 ${p.rate}%。`,
    numbersHeading: '下一期期号',
    numbersIntro: '发布时取用的期号。从纸质简报转来的，可调高以接续原编号（如已印发第35期，填 36）；不能调低到已发布的期号。',
    nextNumberLabel: (p: { kind: string }) => `${p.kind}下一期`,
    nextNumberHint: (p: { number: number }) => (p.number > 1 ? `第${p.number - 1}期已发布，至少为 ${p.number}。` : '尚未发布过，至少为 1。'),
    saved: '已保存简报设置，此后起草的简报按新设置生成。',
    reloaded: '已载入最新内容，请在此基础上重新修改。',
    errOffice: '请填写发文机关（不超过 100 个字）。',
    errScore: '请填写 0 至 100 之间的数。',
    errRate: '请填写 0 至 100 之间的百分数。',
    errNumber: '请填写不小于 1 的整数。',
  },
  {
    title: 'Briefing settings',
    intro: 'Weekly briefings and monthly reports drafted (or refreshed) from now on use this issuing office and these thresholds; published ones keep what they were published with.',
    usingDefaults: 'The defaults are in use; nothing was saved yet.',
    officeLabel: 'Issuing office',
    officeHint: (p) => `Printed under the briefing's title. Default: ${p.office}`,
    thresholdsHeading: 'Below-threshold thresholds',
    scoreLabel: 'Composite score below (points)',
    scoreHint: (p) => `0 to 100. Default ${p.score} points.`,
    rateLabel: 'Satisfaction rate below (%)',
    rateHint: (p) => `0 to 100. Default ${p.rate} %.`,
    numbersHeading: 'Next issue numbers',
    numbersIntro:
      'The number the next publication takes. A district moving from paper briefings may raise it to continue their numbering (after No. 35, enter 36); it cannot go down to a number already published.',
    nextNumberLabel: (p) => `Next ${p.kind}`,
    nextNumberHint: (p) => (p.number > 1 ? `No. ${p.number - 1} is published; at least ${p.number}.` : 'None published yet; at least 1.'),
    saved: 'The briefing settings are saved; briefings drafted from now on use them.',
    reloaded: 'The latest settings are loaded; make your change again on top of them.',
    errOffice: 'Give the issuing office (at most 100 characters).',
    errScore: 'Enter a number from 0 to 100.',
    errRate: 'Enter a percentage from 0 to 100.',
    errNumber: 'Enter a whole number of at least 1.',
  },
);
