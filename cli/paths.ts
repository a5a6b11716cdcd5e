/** `/api/v1/runs/{id}/steps/{stepId}/confirm` with its placeholders filled, each value URL-encoded. */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  const used = new Set<string>();
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template} needs a value for {${name}}`);
    used.add(name);
    return encodeURIComponent(value);
  });
  const extra = Object.keys(params).filter((name) => !used.has(name));
  if (extra.length) throw new Error(`${template} has no placeholder for ${extra.join(", ")}`);
  return path;
}

/** Appends the given query values, leaving out the unset ones so the server applies its defaults. */
export function withQuery(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
