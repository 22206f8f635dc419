import type { PeriodState } from '../../../functions/domain/evaluation/period';
import { evaluation } from '../messages/evaluation';
import { messages } from './i18n';

/** A period's state (进行中, 尚未开始, 已结束) in the current language, as every page names it. */
export function stateLabel(state: PeriodState): string {
  const m = messages(evaluation);
  return { open: m.stateOpen, notYetOpen: m.stateNotYetOpen, ended: m.stateEnded }[state];
}
