/**
 * MariaDB GTIDs (`domain-server-seq`) and GTID positions (one GTID per
 * replication domain, comma-separated, as @@gtid_binlog_pos and
 * Gtid_IO_Pos print them). Pure, so the containment and errant-transaction
 * rules are tested without a server.
 *
 * Switchyard runs MariaDB with gtid_strict_mode: within one domain the
 * sequence numbers of one history only increase, so a domain's sequence
 * number is the engine-neutral position the control plane compares (the
 * number PostgreSQL's WAL byte position is for PostgreSQL).
 */

export interface Gtid {
  domain: number;
  server: number;
  seq: bigint;
}

const GTID = /^(\d{1,10})-(\d{1,10})-(\d{1,20})$/;

/** A GTID position as the server prints it; null when it is not one (so a caller never compares garbage). */
export function parseGtidPosition(text: string | null | undefined): Gtid[] | null {
  if (text === null || text === undefined) return null;
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  const gtids: Gtid[] = [];
  for (const part of parts) {
    const match = GTID.exec(part);
    if (!match) return null;
    const gtid = { domain: Number(match[1]), server: Number(match[2]), seq: BigInt(match[3]!) };
    if (gtids.some((known) => known.domain === gtid.domain)) return null;
    gtids.push(gtid);
  }
  return gtids.sort((a, b) => a.domain - b.domain);
}

export const formatGtid = (gtid: Gtid) => `${gtid.domain}-${gtid.server}-${gtid.seq}`;
export const formatGtidPosition = (position: readonly Gtid[]) => position.map(formatGtid).join(",");

/** The position in one domain as a decimal string: "0" when the domain has no transaction yet. */
export function seqIn(position: readonly Gtid[] | null, domain: number): string | null {
  if (position === null) return null;
  return String(position.find((gtid) => gtid.domain === domain)?.seq ?? 0n);
}

/**
 * The GTIDs of `required` that `held` does not reach, domain by domain: in
 * one history (strict mode), holding a domain's sequence number n holds
 * every earlier transaction of that domain. Empty means `held` contains
 * everything `required` names: the zero-loss proof of a promotion.
 */
export function notReached(required: readonly Gtid[], held: readonly Gtid[]): Gtid[] {
  return required.filter((gtid) => {
    const mine = held.find((candidate) => candidate.domain === gtid.domain);
    return mine === undefined || mine.seq < gtid.seq || (mine.seq === gtid.seq && mine.server !== gtid.server);
  });
}

/**
 * The former primary's last GTIDs that prove, by position alone, that it
 * wrote what the new primary's history does not hold: a domain the new
 * primary never saw, a sequence number beyond the new primary's, or the
 * same sequence number written by another server. A former GTID below the
 * new primary's is not decided here: only the new primary's binlog knows
 * whether it holds that exact GTID, which it checks when the former primary
 * connects to it (error 1236 under gtid_strict_mode).
 */
export function errantByPosition(former: readonly Gtid[], primary: readonly Gtid[]): Gtid[] {
  return former.filter((gtid) => {
    const theirs = primary.find((candidate) => candidate.domain === gtid.domain);
    return theirs === undefined || gtid.seq > theirs.seq || (gtid.seq === theirs.seq && gtid.server !== theirs.server);
  });
}

/** Transactions between two positions of one domain (received but not applied, say); null when either is unknown. */
export function transactionsBetween(ahead: string | null, behind: string | null): number | null {
  if (ahead === null || behind === null) return null;
  const difference = BigInt(ahead) - BigInt(behind);
  return difference > 0n ? Number(difference) : 0;
}
