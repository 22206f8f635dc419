import { staffCommon } from '../../messages/staff';
import { messages } from '../i18n';
import { Notice } from './frame';

/**
 * Why a staff page could not load what it shows, and a button that asks again (by default labelled
 * "reload"; the results pages say "try again").
 */
export function LoadFailed({ id, message, retry, onRetry }: { id?: string; message: string; retry?: string; onRetry: () => void }) {
  return (
    <Notice kind="error" id={id}>
      <p>{message}</p>
      <button type="button" class="secondary" onClick={onRetry}>
        {retry ?? messages(staffCommon).reload}
      </button>
    </Notice>
  );
}
