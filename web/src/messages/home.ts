import { catalog } from '../app/i18n';

/**
 * Strings of the home page beyond the list of forms (messages/evaluation.ts): where each staff role works.
 * Kept apart so that the rate page, which shares the evaluation strings, does not carry them.
 */
export const home = catalog(
  {
    staffRoles: { supervisor: '监督员', admin: '管理员', unitHandler: '单位经办人' },
    staffPages: {
      supervisor: '统计与复核',
      'admin-periods': '评议期与评议人类别',
      'admin-forms': '评议表',
      'admin-invitations': '邀请链接与二维码',
      'admin-units': '单位',
      appeals: '评价与申诉',
    },
    listSeparator: '、',
    linksOnly: '凭收到的评价链接或二维码参加',
    casesHeading: '投诉、求助与咨询',
    complainLink: '我要反映问题',
    complainNote: '投诉举报、求助建议或咨询，无需注册',
    trackLink: '查询办理进度',
    trackNote: '凭受理编号和查询码查看进度和答复',
    disclosureLink: '公示',
    disclosureNote: '经审核公开的评议结果、办件指标、整改事项和办结件',
  },
  {
    staffRoles: { supervisor: 'Supervisors', admin: 'Administrators', unitHandler: 'Unit handlers' },
    staffPages: {
      supervisor: 'Results and review',
      'admin-periods': 'Periods and groups',
      'admin-forms': 'Forms',
      'admin-invitations': 'Invitations and QR codes',
      'admin-units': 'Units',
      appeals: 'Ratings and appeals',
    },
    listSeparator: ', ',
    linksOnly: 'Through the rating link or QR code you received',
    casesHeading: 'Complaints, requests and questions',
    complainLink: 'Report a problem',
    complainNote: 'A complaint, a request or suggestion, or a question; no account needed',
    trackLink: 'Follow a case',
    trackNote: 'See its progress and the reply with your tracking number and access code',
    disclosureLink: 'Public disclosure',
    disclosureNote: 'Approved results, case KPIs, rectification items and closed cases',
  },
);
