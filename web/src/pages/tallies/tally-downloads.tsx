import { useSignal, type Signal } from '@preact/signals';
import { downloadTallies, downloadTalliesXlsx } from '../../../../functions/routes/evaluation';
import { download } from '../../app/api';
import { failureOf } from '../../app/components/fields';
import { Notice } from '../../app/components/frame';
import { saveFile } from '../../app/files';
import { messages } from '../../app/i18n';
import { tallies } from '../../messages/tallies';

/**
 * The period's whole report as CSV or XLSX, which the results page and the dashboard both offer: the same
 * two buttons, the same file names (the server's choice) and the same line saying how it went.
 */

type Format = 'csv' | 'xlsx';

export interface TallyDownload {
  /** The format being downloaded, while one is. */
  busy: Signal<Format | undefined>;
  status: Signal<{ kind: 'success' | 'error'; text: string } | undefined>;
  start: (periodId: string, format: Format) => Promise<void>;
}

/** The state of the downloads of one page. */
export function useTallyDownload(): TallyDownload {
  const busy = useSignal<Format | undefined>(undefined);
  const status = useSignal<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);
  const start = async (periodId: string, format: Format) => {
    busy.value = format;
    status.value = undefined;
    try {
      const route = format === 'csv' ? downloadTallies : downloadTalliesXlsx;
      const { blob, filename } = await download(route, { params: { periodId } }, `tallies-${periodId}.${format}`);
      saveFile(blob, filename);
      status.value = { kind: 'success', text: messages(tallies).downloaded({ name: filename }) };
    } catch (err) {
      status.value = { kind: 'error', text: failureOf(err).message };
    } finally {
      busy.value = undefined;
    }
  };
  return { busy, status, start };
}

/** The CSV and XLSX buttons; they wait while a download runs, or while no period is chosen. */
export function TallyDownloadButtons({ periodId, state }: { periodId: string; state: TallyDownload }) {
  const m = messages(tallies);
  const busy = state.busy.value;
  return (
    <>
      <button type="button" class="primary" id="download-csv" disabled={!periodId || busy !== undefined} onClick={() => void state.start(periodId, 'csv')}>
        {busy === 'csv' ? m.downloading : m.downloadCsv}
      </button>
      <button type="button" class="primary" id="download-xlsx" disabled={!periodId || busy !== undefined} onClick={() => void state.start(periodId, 'xlsx')}>
        {busy === 'xlsx' ? m.downloading : m.downloadXlsx}
      </button>
    </>
  );
}

/** How the last download went. */
export function TallyDownloadStatus({ state }: { state: TallyDownload }) {
  const status = state.status.value;
  return status ? (
    <Notice kind={status.kind} id="download-status">
      {status.text}
    </Notice>
  ) : null;
}
