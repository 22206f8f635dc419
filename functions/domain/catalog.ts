import * as z from 'zod';
import { ZScaleId } from './rating-scale';

/**
 * What admins define: the units being evaluated (被评议单位), the respondent groups, the evaluation
 * forms and the periods (评议期) a form is published for.
 */

/** A stable, URL-safe identifier chosen by the admin (`tax-bureau`, `2026-annual`). */
export const ZId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'lowercase letters, digits and "-", at most 63' })
  .meta({ id: 'Id', description: 'Lowercase letters, digits and "-", starting with a letter or digit; at most 63.' });

/** Both languages of a name shown to users. */
export const ZLocalizedText = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof ZLocalizedText>;

export const UNIT_KINDS = ['serviceCentre', 'bureau', 'branch', 'township', 'other'] as const;

export const ZUnit = z
  .object({
    unitId: ZId,
    name: ZLocalizedText,
    kind: z.enum(UNIT_KINDS),
  })
  .meta({ id: 'Unit', description: 'A public-service unit being evaluated (被评议单位).' });
export type Unit = z.infer<typeof ZUnit>;

/** Respondent groups (评议主体); a period weighs each group's result, never raw ballots. */
export const RESPONDENT_GROUPS = [
  'citizen', // 群众
  'enterprise', // 企业
  'deputy', // 人大代表、政协委员
  'appointedSupervisor', // 特邀监督员
] as const;
export const ZRespondentGroup = z.enum(RESPONDENT_GROUPS).meta({ id: 'RespondentGroup' });
export type RespondentGroup = z.infer<typeof ZRespondentGroup>;

export const RESPONDENT_GROUP_LABELS: Record<RespondentGroup, LocalizedText> = {
  citizen: { 'zh-CN': '群众', en: 'Citizen' },
  enterprise: { 'zh-CN': '企业', en: 'Enterprise' },
  deputy: { 'zh-CN': '人大代表、政协委员', en: 'Deputy or committee member' },
  appointedSupervisor: { 'zh-CN': '特邀监督员', en: 'Appointed supervisor' },
};

export const ZForm = z
  .object({
    formId: ZId,
    /** The period this form is published for. */
    periodId: ZId,
    title: ZLocalizedText,
    scale: ZScaleId,
    allowDontKnow: z.boolean(),
    /** Groups a respondent may say they belong to. */
    groups: z.array(ZRespondentGroup).min(1),
    unitIds: z.array(ZId).min(1),
    commentMaxLength: z.int().min(0).max(2000),
  })
  .meta({ id: 'Form', description: 'An evaluation form (评议表), published for one period.' });
export type Form = z.infer<typeof ZForm>;

const WEIGHT_SUM_TOLERANCE = 1e-9;

const ZPeriodFields = z.object({
  periodId: ZId,
  name: ZLocalizedText,
  /** ISO 8601 instants with offset; open from `opensAt` (inclusive) to `closesAt` (exclusive). */
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
  /** W_g of the composite score S = Σ W_g × S_g; they sum to 1. */
  groupWeights: z.partialRecord(ZRespondentGroup, z.number().min(0).max(1)),
  /** Below this many valid ratings a unit shows "insufficient sample" and is not ranked. */
  minSample: z.int().min(1),
});

export const ZPeriod = ZPeriodFields.refine((p) => Date.parse(p.opensAt) < Date.parse(p.closesAt), {
    path: ['closesAt'],
    error: 'closesAt must be after opensAt',
  })
  .refine(
    (p) => Math.abs(Object.values(p.groupWeights).reduce((a, w) => a + (w ?? 0), 0) - 1) < WEIGHT_SUM_TOLERANCE,
    { path: ['groupWeights'], error: 'group weights must sum to 1' },
  )
  .meta({ id: 'Period', description: 'An evaluation period (评议期): when ratings are taken and how they are weighed.' });
export type Period = z.infer<typeof ZPeriod>;

export const ZPeriodState = z.enum(['notYetOpen', 'open', 'ended']);
export type PeriodState = z.infer<typeof ZPeriodState>;

/** Where `at` falls relative to the period's open window. */
export const periodState = (period: Period, at: Date): PeriodState => {
  const t = at.getTime();
  if (t < Date.parse(period.opensAt)) return 'notYetOpen';
  if (t >= Date.parse(period.closesAt)) return 'ended';
  return 'open';
};

/** The form as a respondent sees it: the form, its period's window and its units' names. */
export const ZPublishedForm = z
  .object({
    form: ZForm,
    period: ZPeriodFields.pick({ periodId: true, name: true, opensAt: true, closesAt: true }).extend({
      state: ZPeriodState,
    }),
    units: z.array(ZUnit),
  })
  .meta({ id: 'PublishedForm' });
export type PublishedForm = z.infer<typeof ZPublishedForm>;

/** A published form in a list: enough to link to it and to say whether it takes ratings now. */
export const ZFormSummary = z
  .object({
    formId: ZId,
    periodId: ZId,
    periodName: ZLocalizedText,
    title: ZLocalizedText,
    state: ZPeriodState,
  })
  .meta({ id: 'FormSummary' });
export type FormSummary = z.infer<typeof ZFormSummary>;
