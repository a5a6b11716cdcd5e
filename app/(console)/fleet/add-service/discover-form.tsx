"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { DiscoveryResult } from "@/contracts/discovery";
import { ApiClientError } from "@/client/api-client";
import { discoverTopology } from "@/client/queries/topology";
import { ProblemAlert } from "@/components/topology/problem-alert";

const standbyLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** The request field the API blamed (`primaryUrl`, `standbyUrls.1`, `serviceId`…), as the form shows it. */
function blamed(error: Error | null): { field: string; line?: number } | null {
  if (!(error instanceof ApiClientError) || !error.field) return null;
  const standby = /^standbyUrls\.(\d+)$/.exec(error.field);
  return standby ? { field: "standbyUrls", line: Number(standby[1]) + 1 } : { field: error.field };
}

/**
 * Step 1: where the cluster is. Discovery reads the servers with the URLs'
 * monitoring role and proposes what it found; it writes nothing but its
 * audit event and keeps no credentials.
 */
export function DiscoverForm({ onDiscovered }: { onDiscovered: (result: DiscoveryResult) => void }) {
  const [primaryUrl, setPrimaryUrl] = useState("");
  const [standbys, setStandbys] = useState("");
  const [serviceId, setServiceId] = useState("");
  const [name, setName] = useState("");
  const discover = useMutation({
    mutationFn: () =>
      discoverTopology({
        primaryUrl: primaryUrl.trim(),
        standbyUrls: standbyLines(standbys),
        ...(serviceId.trim() ? { serviceId: serviceId.trim() } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    onSuccess: onDiscovered,
  });
  const fault = blamed(discover.error);
  const invalid = (field: string) => fault?.field === field;
  const problemFor = (field: string) =>
    invalid(field) ? (
      <span className="field-error" id={`discover-${field}-problem`}>
        {fault?.line ? `Line ${fault.line}: ` : ""}
        {discover.error?.message}
      </span>
    ) : null;
  const describedBy = (field: string, hint?: string) => [hint, invalid(field) ? `discover-${field}-problem` : null].filter(Boolean).join(" ") || undefined;

  return (
    <form
      className="form"
      aria-label="Discover the cluster"
      onSubmit={(event) => {
        event.preventDefault();
        discover.mutate();
      }}
    >
      <div className="field">
        <label htmlFor="discover-primaryUrl">Primary's URL (MariaDB: any member's)</label>
        <input
          id="discover-primaryUrl"
          type="text"
          value={primaryUrl}
          onChange={(event) => setPrimaryUrl(event.target.value)}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="postgresql://switchyard_discovery:…@db1.example.com:5432/orders"
          aria-invalid={invalid("primaryUrl")}
          aria-describedby={describedBy("primaryUrl", "discover-primaryUrl-hint")}
        />
        <span className="hint" id="discover-primaryUrl-hint">
          Connect as a monitoring role (<code>CREATE ROLE switchyard_discovery LOGIN PASSWORD '…' IN ROLE pg_monitor;</code>), not a superuser. For MariaDB, a{" "}
          <code>mariadb://</code> URL of the primary or a replica, as a user with <code>GRANT SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.*</code>: discovery walks from it to
          the primary and its replicas. The URL is used for this request only: Switchyard stores neither it nor its password.
        </span>
        {problemFor("primaryUrl")}
      </div>
      <div className="field">
        <label htmlFor="discover-standbyUrls">Standbys' URLs (optional, one per line)</label>
        <textarea
          id="discover-standbyUrls"
          rows={3}
          value={standbys}
          onChange={(event) => setStandbys(event.target.value)}
          spellCheck={false}
          className="mono"
          aria-invalid={invalid("standbyUrls")}
          aria-describedby={describedBy("standbyUrls", "discover-standbyUrls-hint")}
        />
        <span className="hint" id="discover-standbyUrls-hint">
          A standby given here gets its endpoint filled in and is cross-checked (same cluster, streaming from the primary). One left out is still found; then its host and port are asked.
        </span>
        {problemFor("standbyUrls")}
      </div>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div className="field">
          <label htmlFor="discover-serviceId">Service id (optional)</label>
          <input
            id="discover-serviceId"
            type="text"
            value={serviceId}
            onChange={(event) => setServiceId(event.target.value)}
            spellCheck={false}
            aria-invalid={invalid("serviceId")}
            aria-describedby={describedBy("serviceId")}
          />
          {problemFor("serviceId")}
        </div>
        <div className="field">
          <label htmlFor="discover-name">Display name (optional)</label>
          <input id="discover-name" type="text" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={invalid("name")} aria-describedby={describedBy("name")} />
          {problemFor("name")}
        </div>
      </div>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={discover.isPending || !primaryUrl.trim()}>
          {discover.isPending ? "Discovering…" : "Discover"}
        </button>
        {discover.isPending ? (
          <span className="muted" role="status">
            Reading the servers: each gets 5 s to answer, 15 s in all.
          </span>
        ) : null}
      </div>
      {discover.isError ? <ProblemAlert error={discover.error} prefix="Discovery refused:" /> : null}
    </form>
  );
}
