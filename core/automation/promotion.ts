/**
 * Whether a promotion was planned: a person moved the primary on purpose (a
 * planned switchover), or the primary was lost and a standby took over (a
 * failover, automatic or guided). A runbook that promotes declares which it
 * is; the run engine records it on the `service.epoch` event of the promotion;
 * the cooldown reads it there.
 */
export const PROMOTIONS = ["planned", "unplanned"] as const;
export type Promotion = (typeof PROMOTIONS)[number];

/**
 * The promotion a runbook definition or a `service.epoch` event's details
 * declare. Anything that does not say `planned` (a run started, or an event
 * recorded, before promotions said which they were) reads as unplanned, so it
 * starts the cooldown as every promotion did then: read as planned, an
 * unplanned failover could be followed by another automatic one at once, the
 * flapping the cooldown exists against, while the opposite mistake only holds
 * automatic failover for one cooldown, alerting, until a person acknowledges.
 */
export function promotionOf(declared: unknown): Promotion {
  const value = typeof declared === "object" && declared !== null ? (declared as { promotion?: unknown }).promotion : undefined;
  return value === "planned" ? "planned" : "unplanned";
}
