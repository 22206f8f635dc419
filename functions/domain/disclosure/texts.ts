import type { DisclosureContent, RedactedText } from './disclosure';

/**
 * The redacted texts of an item's content an approver may edit, by path (`reply`, `progress.2.note`): what the
 * edit use case accepts and what the approval page shows as editable, from this one definition.
 */
export function editableTexts(content: DisclosureContent): Record<string, RedactedText> {
  switch (content.kind) {
    case 'case':
      return { description: content.description, reply: content.reply };
    case 'ledgerItem': {
      const texts: Record<string, RedactedText> = { problem: content.problem };
      if (content.measures) texts.measures = content.measures;
      content.progress.forEach((p, i) => (texts[`progress.${i}.note`] = p.note));
      return texts;
    }
    default:
      return {};
  }
}
