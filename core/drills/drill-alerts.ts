/** What the `drill-failed` alert says of a service's latest drill; null when it did not fail. */
export function failedDrillSentence(drill: { id: string; serviceId: string; runbookId: string; status: string; error: string | null; failedVerdicts: string[] }): string | null {
  if (drill.status !== "failed") return null;
  const why = [drill.error, ...drill.failedVerdicts].filter((part) => part !== null && part !== "");
  return `The ${drill.runbookId} drill ${drill.id} of ${drill.serviceId} failed: ${why.length ? why.join(" ") : "see its report."}`;
}
