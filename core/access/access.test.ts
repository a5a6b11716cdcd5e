import { describe, expect, it } from "vitest";
import { OPERATIONS, type OperationId } from "@/contracts/operations";
import { accessTo, mayAnywhere, mayOn, reachOf, reaches, refusalOn, type Principal } from "./access";
import { PERMISSION_GRANTS, PERMISSIONS, ROLES, type Permission, type Role } from "./permissions";
import { PERMISSION_REACH, SCOPABLE_ROLES, widenedRoles } from "./service-scopes";
import { PERMISSION_SCOPES, scopesBeyondRoles, scopesGrantedBy, TOKEN_SCOPES } from "./token-scopes";

const session = (roles: Role[], serviceScopes: Principal["serviceScopes"] = {}): Principal => ({ roles, serviceScopes, tokenScopes: null });
const token = (roles: Role[], tokenScopes: Principal["tokenScopes"], serviceScopes: Principal["serviceScopes"] = {}): Principal => ({ roles, serviceScopes, tokenScopes });
const on = (serviceId: string) => ({ kind: "service", serviceId }) as const;
const FLEET = { kind: "fleet" } as const;

const personOperations = (Object.entries(OPERATIONS) as [OperationId, (typeof OPERATIONS)[OperationId]][]).flatMap(([id, op]) =>
  op.access === "public" || op.access === "agent" || op.access === "enrollment-token" ? [] : [{ id, op, permission: op.access as Permission }],
);

/**
 * The operations that are not GET yet change nothing a stolen read-only token
 * could abuse, written out by hand so that a new one has to be argued for.
 */
const READ_ONLY_NON_GETS: Partial<Record<OperationId, string>> = {
  planRunbook: "a dry run: resolves and evaluates, writes nothing",
  planTopology: "what applying a document would do, writes nothing",
  revokeToken: "a token revokes only itself (server/tokens/revoke-token.ts): it can take access away, never add any",
};

describe("API tokens: the owner's roles as far as the token's scopes admit", () => {
  const everyRole = [...ROLES];

  it("a read-only token is refused every operation that changes something, even for an owner with every role", () => {
    for (const { id, op, permission } of personOperations) {
      const allowed = accessTo(token(everyRole, ["read"]), permission).kind !== "denied";
      if (op.method !== "GET" && !(id in READ_ONLY_NON_GETS)) expect(allowed, `${op.method} ${op.path} (${permission})`).toBe(false);
      if (id in READ_ONLY_NON_GETS) expect(allowed, `${op.method} ${op.path} is listed as read-only`).toBe(true);
    }
  });

  it("a token without any scope is refused everything", () => {
    for (const permission of PERMISSIONS) expect(accessTo(token(everyRole, []), permission).kind, permission).toBe("denied");
  });

  it("no token, whatever its scopes and its owner's roles, may issue a token", () => {
    expect(PERMISSION_SCOPES[OPERATIONS.createOwnToken.access]).toEqual([]);
    const decision = accessTo(token(everyRole, [...TOKEN_SCOPES]), "tokens:issue");
    expect(decision).toMatchObject({ kind: "denied", rule: "token-never" });
    expect(accessTo(session(["viewer"]), "tokens:issue").kind).toBe("everywhere");
  });

  it("is the intersection: a scope does not add what the roles lack, and roles do not add what the scopes lack", () => {
    expect(accessTo(token(["viewer"], ["operate"]), "runs:operate")).toMatchObject({ kind: "denied", rule: "no-role" });
    expect(accessTo(token(["operator", "approver"], ["operate"]), "runs:approve")).toMatchObject({ kind: "denied", rule: "token-scope" });
    expect(accessTo(token(["operator", "approver"], ["operate"]), "runs:operate").kind).toBe("everywhere");
    expect(accessTo(token(["admin"], ["audit"]), "audit:read").kind).toBe("everywhere");
    expect(accessTo(token(["admin"], ["audit"]), "users:manage")).toMatchObject({ kind: "denied", rule: "token-scope" });
    expect(accessTo(token(["admin"], ["admin"]), "audit:read")).toMatchObject({ kind: "denied", rule: "token-scope" });
  });

  it("follows the owner's roles of the moment: a role taken away narrows the token", () => {
    expect(mayAnywhere(token(["operator"], ["operate"]), "runs:operate")).toBe(true);
    expect(mayAnywhere(token(["viewer"], ["operate"]), "runs:operate")).toBe(false);
  });

  it("a metrics token scrapes the metrics and reads nothing else, whatever its owner's roles", () => {
    for (const permission of PERMISSIONS) {
      expect(accessTo(token(everyRole, ["metrics"]), permission).kind !== "denied", permission).toBe(permission === "metrics:read");
    }
    expect(accessTo(token(["viewer"], ["read"]), "metrics:read").kind).not.toBe("denied");
    expect(accessTo(token(["admin"], ["operate", "admin"]), "metrics:read")).toMatchObject({ kind: "denied", rule: "token-scope" });
  });

  it("say why, naming the scopes and the permission", () => {
    const decision = accessTo(token(["operator"], ["read"]), "runs:operate");
    expect(decision.kind === "denied" && decision.message).toBe(
      "This token's scopes (read) do not admit the permission runs:operate; it needs a token with the scope operate.",
    );
  });

  it("scopes are each admitted by some permission a role grants, and every permission names its scopes", () => {
    for (const scope of TOKEN_SCOPES) expect(PERMISSIONS.some((permission) => (PERMISSION_SCOPES[permission] as readonly string[]).includes(scope)), scope).toBe(true);
    expect(Object.keys(PERMISSION_SCOPES).sort()).toEqual([...PERMISSIONS].sort());
  });

  it("may carry only the scopes the owner's roles grant something in", () => {
    expect(scopesGrantedBy(["viewer"])).toEqual(["read", "metrics"]);
    expect(scopesGrantedBy(["operator"])).toEqual(["read", "operate", "metrics"]);
    expect(scopesGrantedBy(["admin"])).toEqual(["read", "audit", "admin", "metrics"]);
    expect(scopesGrantedBy([...ROLES])).toEqual([...TOKEN_SCOPES]);
    expect(scopesBeyondRoles(["viewer"], ["read", "operate", "admin"])).toEqual(["operate", "admin"]);
    expect(scopesBeyondRoles(["approver"], ["approve"])).toEqual([]);
  });
});

describe("roles limited to services", () => {
  const limitedOperator = session(["operator"], { operator: ["orders-db", "billing-db"] });

  it("allow their per-service permissions on their services only", () => {
    const access = accessTo(limitedOperator, "runs:operate");
    expect(access).toEqual({ kind: "services", rule: "limited-role", roles: ["operator"], serviceIds: ["billing-db", "orders-db"] });
    expect(refusalOn(access, on("orders-db"), "runs:operate")).toBeNull();
    expect(refusalOn(access, on("billing-db"), "runs:operate")).toBeNull();
    expect(refusalOn(access, on("search-db"), "runs:operate")).toEqual({
      rule: "other-service",
      message: "Your operator role is limited to the services billing-db, orders-db; this acts on the service search-db.",
    });
  });

  it("reach, as pages hand it to the browser, agrees with mayOn on every service and on the fleet", () => {
    const principals = [limitedOperator, session(["operator"]), session(["viewer"]), token(["operator"], ["read"])];
    for (const principal of principals) {
      const reach = reachOf(principal, "alerts:acknowledge");
      for (const serviceId of ["orders-db", "billing-db", "search-db"]) expect(reaches(reach, serviceId)).toBe(mayOn(principal, "alerts:acknowledge", on(serviceId)));
      expect(reaches(reach, null)).toBe(mayOn(principal, "alerts:acknowledge", FLEET));
    }
    expect(reachOf(limitedOperator, "alerts:acknowledge")).toEqual({ kind: "services", serviceIds: ["billing-db", "orders-db"] });
  });

  it("never allow an operation on the fleet as a whole", () => {
    expect(refusalOn(accessTo(limitedOperator, "automation:control"), FLEET, "automation:control")).toMatchObject({ rule: "fleet-wide-target" });
    expect(mayOn(session(["operator"]), "automation:control", FLEET)).toBe(true);
  });

  it("do not narrow reading", () => {
    for (const permission of ["fleet:read", "runbooks:read", "policies:read"] as const) {
      expect(accessTo(limitedOperator, permission).kind, permission).toBe("everywhere");
      expect(mayOn(limitedOperator, permission, on("search-db"))).toBe(true);
    }
  });

  it("limit only the role they are set on: another role held fleet-wide still allows its own permissions everywhere", () => {
    const principal = session(["operator", "approver"], { operator: ["orders-db"] });
    expect(mayOn(principal, "runs:approve", on("search-db"))).toBe(true);
    expect(mayOn(principal, "runs:operate", on("search-db"))).toBe(false);
    const bothLimited = session(["operator", "approver"], { operator: ["orders-db"], approver: ["search-db"] });
    expect(accessTo(bothLimited, "runs:operate")).toMatchObject({ serviceIds: ["orders-db"] });
    expect(accessTo(bothLimited, "policies:approve")).toMatchObject({ serviceIds: ["search-db"] });
  });

  it("an empty limit allows nothing rather than everything", () => {
    const access = accessTo(session(["operator"], { operator: [] }), "runs:operate");
    expect(refusalOn(access, on("orders-db"), "runs:operate")).not.toBeNull();
  });

  it("combine with token scopes: the role first, the scope next, the limit last", () => {
    expect(accessTo(token(["operator"], ["read"], { operator: ["orders-db"] }), "runs:operate")).toMatchObject({ rule: "token-scope" });
    expect(mayOn(token(["operator"], ["operate"], { operator: ["orders-db"] }), "runs:operate", on("orders-db"))).toBe(true);
    expect(mayOn(token(["operator"], ["operate"], { operator: ["orders-db"] }), "runs:operate", on("search-db"))).toBe(false);
  });
});

describe("the reach table", () => {
  /** What a limited operator or approver may still do fleet-wide, written out by hand: reading and one's own tokens, nothing that acts. */
  const UNLIMITED_FOR_SCOPABLE_ROLES: Permission[] = ["fleet:read", "metrics:read", "runbooks:read", "policies:read", "tokens:own", "tokens:issue", "account:own"];

  it("narrows everything a scopable role grants except reading, one's own tokens and one's own password", () => {
    const granted = PERMISSIONS.filter((permission) => SCOPABLE_ROLES.some((role) => (PERMISSION_GRANTS[permission] as readonly Role[]).includes(role)));
    expect(granted.filter((permission) => PERMISSION_REACH[permission] === "unlimited").sort()).toEqual([...UNLIMITED_FOR_SCOPABLE_ROLES].sort());
  });

  it("marks per-service only permissions that scopable roles alone hold (a limit on another role would mean nothing)", () => {
    for (const permission of PERMISSIONS.filter((p) => PERMISSION_REACH[p] === "service")) {
      const holders: readonly Role[] = PERMISSION_GRANTS[permission];
      expect(holders.every((role) => (SCOPABLE_ROLES as readonly Role[]).includes(role)), permission).toBe(true);
    }
  });
});

describe("widened grants (what a second admin must approve)", () => {
  const grants = (roles: Role[], serviceScopes: Principal["serviceScopes"] = {}) => ({ roles, serviceScopes });

  it("are roles newly held, held on more services, or a limit lifted", () => {
    expect(widenedRoles(grants(["viewer"]), grants(["viewer", "approver"], { approver: ["a"] }))).toEqual(["approver"]);
    expect(widenedRoles(grants(["approver"], { approver: ["a"] }), grants(["approver"], { approver: ["a", "b"] }))).toEqual(["approver"]);
    expect(widenedRoles(grants(["approver"], { approver: ["a"] }), grants(["approver"]))).toEqual(["approver"]);
  });

  it("are not a limit narrowed or kept, nor a role taken away", () => {
    expect(widenedRoles(grants(["approver"]), grants(["approver"], { approver: ["a"] }))).toEqual([]);
    expect(widenedRoles(grants(["approver"], { approver: ["a", "b"] }), grants(["approver"], { approver: ["b"] }))).toEqual([]);
    expect(widenedRoles(grants(["approver", "operator"]), grants(["operator"]))).toEqual([]);
  });
});
