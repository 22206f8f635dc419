import { briefingDocument } from '../../domain/briefings/document';
import { getBriefing } from '../../domain/briefings/workflow';
import { writeDocx } from '../../platform/docx';
import { httpHandler } from '../../platform/http';
import { fileResult } from '../../platform/results';
import { downloadBriefingDocx } from '../../routes/briefings';
import { briefingReadDeps } from '../../store/deps';

const deps = briefingReadDeps();

export const handler = httpHandler(downloadBriefingDocx, async ({ params }, { lang }) => {
  const briefing = await getBriefing(deps, params.briefingId);
  const doc = briefingDocument(briefing, lang);
  const filename = `${doc.title}-${briefing.number !== undefined ? doc.number : briefing.briefingId}.docx`;
  return fileResult(downloadBriefingDocx.responses[0].contentType, filename, await writeDocx(doc));
});
