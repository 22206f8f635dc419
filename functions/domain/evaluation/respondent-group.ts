import * as z from 'zod/mini';
import { ZId } from '../ids';
import { ZLocalizedText } from '../text';

/**
 * Respondent groups (评议主体): 群众, 企业, 人大代表和政协委员, 特邀监督员 … defined by the admin. A period
 * weighs each group's result (S = Σ W_g × S_g), never raw ballots.
 */
export const ZRespondentGroupInput = z.object({
  name: ZLocalizedText,
  /**
   * The group carries weight only through invitations issued for it (deputies, appointed supervisors;
   * enterprises where the admin says so): a ballot claiming it without one is counted as the period says.
   */
  requiresInvitation: z._default(z.boolean(), false),
});

export const ZRespondentGroup = z
  .object({ groupId: ZId, ...ZRespondentGroupInput.shape, rev: z.int().check(z.minimum(1)) })
  .register(z.globalRegistry, { id: 'RespondentGroup', description: 'A respondent group (评议主体).' });
export type RespondentGroup = z.infer<typeof ZRespondentGroup>;
export const ZRespondentGroupList = z.object({ groups: z.array(ZRespondentGroup) });

/** The groups of domain.md, offered to a new district (and the demo). */
export const STANDARD_GROUPS: readonly Omit<RespondentGroup, 'rev'>[] = [
  { groupId: 'citizen', name: { 'zh-CN': '群众', en: 'Citizen' }, requiresInvitation: false },
  { groupId: 'enterprise', name: { 'zh-CN': '企业', en: 'Enterprise' }, requiresInvitation: false },
  { groupId: 'deputy', name: { 'zh-CN': '人大代表、政协委员', en: 'Deputy or committee member' }, requiresInvitation: true },
  { groupId: 'appointed-supervisor', name: { 'zh-CN': '特邀监督员', en: 'Appointed supervisor' }, requiresInvitation: true },
];
