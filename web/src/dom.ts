/** Attribute values: strings become attributes, `true` a bare attribute, false/undefined nothing. */
type AttrValue = string | number | boolean | undefined | null;
type Child = Node | string | number | false | null | undefined;

export interface Props {
  [attr: string]: AttrValue | ((event: Event) => void) | undefined;
}

/**
 * Makes an element: `h('button', { type: 'button', onclick: go }, 'OK')`. Keys starting with `on` are
 * listeners; everything else is an attribute. Text children are text nodes, never HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value !== undefined && value !== null) el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === false || child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** The element with this id; throws if the page lacks it, which is a build mistake. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el as T;
}
