/** A list filter's select: "all" (`anyLabel`, the empty value) and the given options, its error where the API's 400 names it. */
export function FilterSelect(props: { id: string; label: string; anyLabel: string; value: string; options: { value: string; label: string }[]; onChange: (value: string) => void; error: string | undefined }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} aria-describedby={`${props.id}-error`} aria-invalid={Boolean(props.error)} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{props.anyLabel}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <p id={`${props.id}-error`} class="field-error" hidden={!props.error}>
        {props.error ?? ''}
      </p>
    </div>
  );
}
