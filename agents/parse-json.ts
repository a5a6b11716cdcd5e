/** An answer's body as JSON, or null when it is not JSON (the schemas then refuse it and say what came). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
