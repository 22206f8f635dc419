import * as admission from './routes/admission';
import * as audit from './routes/audit';
import * as briefings from './routes/briefings';
import * as calendar from './routes/calendar';
import * as cases from './routes/cases';
import * as disclosure from './routes/disclosure';
import * as evaluation from './routes/evaluation';
import * as ledger from './routes/ledger';
import * as notifications from './routes/notifications';
import * as open311 from './routes/open311';
import * as platform from './routes/platform';
import type { Route, ScheduledJob, StreamConsumer } from './routes/route';
import * as review from './routes/review';
import * as units from './routes/units';

/**
 * THE route table: every HTTP operation, scheduled job and stream consumer of Pingyi, with who may call
 * it and which tables it touches. CDK makes one function, one API route (or schedule, or event source
 * mapping) and the grants from each entry; the local runtime serves the same entries; the OpenAPI document and the access tests are generated from them.
 *
 * Each bounded context declares its routes in routes/<context>.ts, and a handler imports its own route
 * from there, so a function's bundle (and a page's) holds the schemas it uses, not every schema of the API.
 */
export { MACHINE_SCOPES, ROLES, isStaffAccess, type Access, type HttpMethod, type Role, type Route, type RouteResponse, type ScheduledJob, type StreamConsumer, type StreamFilter } from './routes/route';

export const routes = [
  platform.health,
  platform.openApi,
  evaluation.listForms,
  evaluation.getForm,
  evaluation.submitResponse,
  evaluation.listPeriods,
  evaluation.listTallies,
  evaluation.downloadTallies,
  evaluation.downloadTalliesXlsx,
  evaluation.exportResponses,
  evaluation.getResponseExport,
  evaluation.listSnapshots,
  evaluation.listPeriodTrend,
  evaluation.listGroups,
  evaluation.createGroup,
  evaluation.updateGroup,
  evaluation.createPeriod,
  evaluation.updatePeriod,
  evaluation.recountPeriod,
  evaluation.listAdminForms,
  evaluation.getAdminForm,
  evaluation.createForm,
  evaluation.saveFormDraft,
  evaluation.previewForm,
  evaluation.publishForm,
  evaluation.closeForm,
  evaluation.getFormVersion,
  admission.issueInvitations,
  admission.listInvitationBatches,
  admission.getInvitationLinks,
  admission.createServiceRecordLink,
  review.listFlaggedBatches,
  review.reviewFlaggedBatch,
  review.listAppeals,
  review.fileAppeal,
  review.decideAppeal,
  review.listReviewEvents,
  review.listUnitBallots,
  units.listUnits,
  units.createUnit,
  units.updateUnit,
  units.setUnitStatus,
  units.importUnits,
  notifications.listNotificationDirectory,
  notifications.saveDirectoryEntry,
  calendar.getCalendar,
  calendar.setCalendarAdjustment,
  calendar.deleteCalendarAdjustment,
  calendar.setCalendarYear,
  cases.fileCase,
  cases.requestCaseAttachment,
  cases.caseStatus,
  cases.caseCallback,
  cases.listCases,
  cases.caseKpis,
  cases.downloadCaseKpis,
  cases.downloadCaseKpisXlsx,
  cases.getCase,
  cases.actOnCase,
  cases.fileBadReview,
  cases.getCaseDeadlines,
  cases.setCaseDeadlines,
  open311.open311Services,
  open311.open311CreateRequest,
  open311.open311ListRequests,
  open311.open311GetRequest,
  ledger.listLedger,
  ledger.createLedgerItem,
  ledger.getLedgerCategories,
  ledger.setLedgerCategories,
  ledger.ledgerTemplate,
  ledger.exportLedger,
  ledger.importLedger,
  ledger.getLedgerItem,
  ledger.actOnLedgerItem,
  audit.verifyAuditChain,
  disclosure.listDisclosures,
  disclosure.proposeDisclosure,
  disclosure.getDisclosure,
  disclosure.editDisclosure,
  disclosure.approveDisclosure,
  disclosure.withdrawDisclosure,
  briefings.listBriefings,
  briefings.draftBriefing,
  briefings.getBriefing,
  briefings.downloadBriefingDocx,
  briefings.saveBriefingNarrative,
  briefings.publishBriefing,
  briefings.getBriefingSettings,
  briefings.setBriefingSettings,
] as const satisfies readonly Route[];

export type AnyRoute = (typeof routes)[number];
export type OperationId = AnyRoute['operationId'];

export const jobs = [evaluation.tallyJob, evaluation.recountJob, evaluation.daySaltsJob, notifications.sweepCasesJob, briefings.draftBriefingsJob] as const satisfies readonly ScheduledJob[];

/** The functions that read a table's stream: CDK makes each an event source mapping, the local runtime a stream reader. */
export const streamConsumers = [
  evaluation.countResponses,
  evaluation.runResponseExports,
  audit.auditCases,
  audit.auditTallies,
  audit.auditDisclosures,
  audit.auditBriefings,
] as const satisfies readonly StreamConsumer[];

/** The route with this operationId. */
export function route(operationId: OperationId): Route {
  const found = routes.find((r) => r.operationId === operationId);
  if (!found) throw new Error(`no route ${operationId}`);
  return found;
}
