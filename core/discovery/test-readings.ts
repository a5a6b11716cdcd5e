import type { RequestField, ServerDetails, ServerReading, SlotReading, WalSenderReading } from "./readings";

/** Readings shaped like the ones server/discovery takes from PostgreSQL 18, for the core's tests. */

export const SYSTEM_ID = "7714744418899915174";

export function sender(applicationName: string, pid: number, overrides: Partial<WalSenderReading> = {}): WalSenderReading {
  return { pid, applicationName, clientAddr: `10.0.0.${pid % 250}`, state: "streaming", syncState: "async", database: null, ...overrides };
}

export function slot(name: string, activePid: number | null, overrides: Partial<SlotReading> = {}): SlotReading {
  return { name, type: "physical", active: activePid !== null, activePid, ...overrides };
}

export function primaryReading(details: Partial<ServerDetails> = {}, overrides: Partial<ServerReading> = {}): ServerReading {
  return {
    field: "primaryUrl",
    endpoint: { host: "db1.example.com", port: 5432, database: "orders" },
    role: "monitor",
    versionNum: 180_001,
    version: "18.1",
    details: {
      inRecovery: false,
      systemIdentifier: SYSTEM_ID,
      clusterName: "",
      synchronousStandbyNames: "",
      primaryConninfo: { readable: true, value: "" },
      walSenders: [],
      slots: [],
      walReceiver: null,
      ...details,
    },
    ...overrides,
  };
}

/** What pg_stat_wal_receiver.conninfo shows: libpq's defaults filled in, the password obfuscated. */
export function receiverConninfo(upstream: { host: string; port: number }, applicationName: string | null): string {
  const name = applicationName === null ? "" : `application_name=${applicationName} `;
  return `user=replicator password=******** dbname=replication host=${upstream.host} port=${upstream.port} ${name}fallback_application_name=walreceiver sslmode=prefer`;
}

export interface StandbyShape {
  field: RequestField;
  host: string;
  name: string;
  upstream?: { host: string; port: number };
  slotName?: string | null;
  details?: Partial<ServerDetails>;
}

export function standbyReading({ field, host, name, upstream = { host: "db1.example.com", port: 5432 }, slotName = null, details = {} }: StandbyShape): ServerReading {
  return primaryReading(
    {
      inRecovery: true,
      primaryConninfo: { readable: true, value: `host=${upstream.host} port=${upstream.port} user=replicator password='s3cret' application_name=${name}` },
      walReceiver: { status: "streaming", senderHost: upstream.host, senderPort: upstream.port, slotName, conninfo: receiverConninfo(upstream, name) },
      ...details,
    },
    { field, endpoint: { host, port: 5432, database: "orders" } },
  );
}
