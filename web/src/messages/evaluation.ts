import { catalog } from '../app/i18n';

/** Strings of the citizens' pages: the list of forms, filling one in, the receipt. */
export const evaluation = catalog(
  {
    formsHeading: '正在进行的评议',
    noForms: '目前没有发布的评议表。',
    rateThis: '去评议',
    staffLink: '工作人员入口',
    stateOpen: '进行中',
    stateNotYetOpen: '尚未开始',
    stateEnded: '已结束',

    // loading a form
    noFormChosen: '没有指定评议表。请从首页选择要参加的评议。',
    formNotFound: '找不到这张评议表，它可能尚未发布或已被删除。',
    loadFailed: '评议表没能加载。',
    tryAgain: '重试',
    backHome: '返回首页',
    periodWindow: (p: { opens: string; closes: string }) => `评议时间：${p.opens} 至 ${p.closes}（北京时间）`,
    periodNotYetOpen: (p: { opens: string }) => `本次评议尚未开始，将于 ${p.opens}（北京时间）开始，届时欢迎参加。`,
    periodEnded: '本次评议已经结束，感谢关注。',
    formClosed: '这张评议表已停止收集答卷。',

    // an admin's preview
    previewBanner: '预览 / Preview',
    previewNote: '这是评议表草稿的预览，与发布后评议人看到的一样。可以试填和检查，但不会提交。',
    previewSignIn: '预览草稿需要管理员在本标签页中登录。',
    previewSignInLink: '前往评议表管理登录',
    previewForbidden: '您的账号没有预览评议表的权限。',
    previewNotSubmitted: '预览：答卷检查通过，未提交。',
    previewPeriod: (p: { state: string }) => `所属评议期当前状态：${p.state}。`,

    // the unit
    unitLabel: '被评议单位',
    unitPlaceholder: '请选择单位',
    unitFilterLabel: '按名称查找单位',
    unitFilterNoMatch: '没有名称匹配的单位',
    unitFromLink: '链接中的单位不在这张评议表上，请在下面选择。',
    unitsHeading: '逐个评价各单位',
    dontKnowUnit: '不了解这个单位',
    progress: (p: { done: number; total: number }) => `已评 ${p.done} / ${p.total} 个单位`,

    // questions
    required: '必答',
    maxChoices: (p: { max: number }) => `最多选 ${p.max} 项。`,
    counter: (p: { used: number; max: number }) => `${p.used} / ${p.max} 字`,

    // sending
    submit: '提交评价',
    submitting: '正在提交…',
    retry: '重新提交',
    errorSummary: (p: { count: number }) => `有 ${p.count} 处需要填写或修改：`,
    errBusyNoWait: '服务器繁忙，请稍后重试。',
    retrySafe: '重新提交使用同一份答卷编号，不会重复计数。',
    alreadyRecorded: '您之前的一次提交已经记录下来了，这份答卷不会再次计入。如果要重新评议，请开始新的评议。',
    startNew: '开始新的评议',

    // the receipt
    receiptHeading: '提交成功，感谢您的评价',
    receiptId: '回执编号',
    receiptTime: '提交时间（北京时间）',
    receiptUnits: '评价的单位',
    receiptNoUnits: '无（全部为“不了解”）',
    receiptDontKnow: (p: { count: number }) => `另有 ${p.count} 个单位选择了“不了解”。`,
    receiptKeep: '请记下回执编号，以便日后查询。',
    rateAgain: '再评一次',
  },
  {
    formsHeading: 'Open evaluations',
    noForms: 'No evaluation form is published right now.',
    rateThis: 'Rate',
    staffLink: 'Staff sign-in',
    stateOpen: 'Open',
    stateNotYetOpen: 'Not open yet',
    stateEnded: 'Ended',

    noFormChosen: 'No form was chosen. Pick an evaluation on the home page.',
    formNotFound: 'This form does not exist: it may not be published yet, or it was removed.',
    loadFailed: 'The form could not be loaded.',
    tryAgain: 'Try again',
    backHome: 'Back to the home page',
    periodWindow: (p) => `Open from ${p.opens} to ${p.closes} (China Standard Time)`,
    periodNotYetOpen: (p) => `This evaluation has not started yet. It opens on ${p.opens} (China Standard Time).`,
    periodEnded: 'This evaluation has ended. Thank you for your interest.',
    formClosed: 'This form no longer takes responses.',

    previewBanner: '预览 / Preview',
    previewNote: 'A preview of the draft, exactly as respondents will see it once published. Try it out; nothing is submitted.',
    previewSignIn: 'Previewing a draft needs an admin signed in in this tab.',
    previewSignInLink: 'Sign in on the forms page',
    previewForbidden: 'Your account may not preview forms.',
    previewNotSubmitted: 'Preview: the answers pass every check; nothing was submitted.',
    previewPeriod: (p) => `Its period is currently: ${p.state}.`,

    unitLabel: 'Unit you are rating',
    unitPlaceholder: 'Choose a unit',
    unitFilterLabel: 'Find a unit by name',
    unitFilterNoMatch: 'No unit matches',
    unitFromLink: 'The unit in the link is not on this form; please choose one below.',
    unitsHeading: 'Rate each unit',
    dontKnowUnit: "I don't know this unit",
    progress: (p) => `${p.done} of ${p.total} units rated`,

    required: 'required',
    maxChoices: (p) => `Choose at most ${p.max}.`,
    counter: (p) => `${p.used} / ${p.max} characters`,

    submit: 'Submit rating',
    submitting: 'Submitting…',
    retry: 'Submit again',
    errorSummary: (p) => `${p.count === 1 ? '1 answer needs' : `${p.count} answers need`} your attention:`,
    errBusyNoWait: 'The server is busy. Please try again shortly.',
    retrySafe: 'Submitting again sends the same response id, so it is never counted twice.',
    alreadyRecorded: 'An earlier try of yours was already recorded, so this response is not counted again. To rate again, start a new evaluation.',
    startNew: 'Start a new evaluation',

    receiptHeading: 'Thank you: your rating was received',
    receiptId: 'Receipt number',
    receiptTime: 'Submitted (China Standard Time)',
    receiptUnits: 'Units rated',
    receiptNoUnits: 'None (“Don’t know” throughout)',
    receiptDontKnow: (p) => `You answered "Don't know" for ${p.count} more ${p.count === 1 ? 'unit' : 'units'}.`,
    receiptKeep: 'Keep the receipt number to look it up later.',
    rateAgain: 'Rate again',
  },
);
