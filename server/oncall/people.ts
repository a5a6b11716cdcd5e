import "server-only";
import { db } from "../db/client";
import type { Tx } from "../db/transaction";
import { ValidationError } from "../errors";

/** A person as on-call views show them: with the time zone of their paging contact, where they set one. */
export interface Person {
  id: string;
  email: string;
  name: string | null;
  timeZone: string | null;
}

/** People by id, for views; an id no longer found shows as itself. */
export async function peopleById(ids: Iterable<string>, client: Tx | ReturnType<typeof db> = db()): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids)];
  const users = wanted.length
    ? await client.user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true, name: true, pagingContact: { select: { timeZone: true } } } })
    : [];
  const found = new Map(users.map((user) => [user.id, { id: user.id, email: user.email, name: user.name, timeZone: user.pagingContact?.timeZone ?? null }]));
  return new Map(wanted.map((id) => [id, found.get(id) ?? { id, email: id, name: null, timeZone: null }]));
}

/**
 * The active accounts behind `emails` (the request's `field`), in order:
 * an unknown or disabled one is refused naming its place, and nothing is
 * written.
 */
export async function userIdsByEmail(tx: Tx, emails: readonly string[], field: (index: number) => string): Promise<string[]> {
  const users = await tx.user.findMany({ where: { email: { in: [...new Set(emails)] } }, select: { id: true, email: true, disabled: true } });
  const byEmail = new Map(users.map((user) => [user.email, user]));
  return emails.map((email, index) => {
    const user = byEmail.get(email);
    if (!user) throw new ValidationError(`${field(index)}: no user has the email ${email}.`, field(index));
    if (user.disabled) throw new ValidationError(`${field(index)}: the account ${email} is disabled.`, field(index));
    return user.id;
  });
}
