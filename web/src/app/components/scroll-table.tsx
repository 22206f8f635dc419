import type { ComponentChildren, TableHTMLAttributes } from 'preact';

/**
 * A table in a region that scrolls sideways on a phone, reachable by keyboard and named as axe asks of a
 * scrollable region: by its visible caption (`captionId`), or else by the caption itself, then read only by
 * screen readers. The table's own attributes (id, class, data-*) are passed through.
 */
export function ScrollTable({ caption, captionId, children, ...table }: { caption: string; captionId?: string; children: ComponentChildren } & TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div class="table-scroll" role="region" {...(captionId ? { 'aria-labelledby': captionId } : { 'aria-label': caption })} tabIndex={0}>
      <table {...table}>
        {captionId ? <caption id={captionId}>{caption}</caption> : <caption class="visually-hidden">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}
