import { Form } from "@remix-run/react";

/**
 * The inline form that adds an evidence link (URL + optional title) to the object named by the
 * hidden fields (posted with intent "addLink"); `idPrefix` keeps the input ids unique on the page.
 */
export function EvidenceLinkForm({ idPrefix, hidden = {}, busy }: { idPrefix: string; hidden?: Record<string, string | number>; busy: boolean }) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="addLink" />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label htmlFor={`${idPrefix}-url`}>佐证链接</label>
      <input id={`${idPrefix}-url`} name="url" />
      <label htmlFor={`${idPrefix}-title`}>标题</label>
      <input id={`${idPrefix}-title`} name="title" />
      <button type="submit" className="secondary" disabled={busy}>
        添加链接
      </button>
    </Form>
  );
}
