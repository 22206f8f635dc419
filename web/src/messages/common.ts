import { catalog } from '../app/i18n';

/** Strings every page uses: the frame and failures. Staff pages add messages/staff.ts. */
export const common = catalog(
  {
    appName: '评议',
    appTagline: '公共服务单位满意度评议',
    langSwitchLabel: '语言',
    skipToMain: '跳到正文',
    loading: '正在加载…',
    home: '首页',
    errNetwork: '网络连接失败，请检查网络后重试。',
    errServer: '服务器出错了，请稍后再试。',
    errBusy: (p: { seconds: number }) => `服务器繁忙，请在 ${p.seconds} 秒后重试。`,

    errFixFields: '请按提示修改后再提交。',
  },
  {
    appName: 'Pingyi',
    appTagline: 'Rate public-service units',
    langSwitchLabel: 'Language',
    skipToMain: 'Skip to content',
    loading: 'Loading…',
    home: 'Home',
    errNetwork: 'The network failed. Check your connection and try again.',
    errServer: 'Something went wrong on the server. Please try again later.',
    errBusy: (p) => `The server is busy. Please try again in ${p.seconds} seconds.`,

    errFixFields: 'Please correct the fields marked below and try again.',
  },
);
