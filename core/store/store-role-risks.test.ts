import { describe, expect, it } from "vitest";
import { STORE_ROLE_RULES, storeRoleRisks, type StoreRoleFacts } from "./store-role-risks";

const APPLICATION: StoreRoleFacts = {
  role: "switchyard_app",
  superuser: false,
  ownsTables: false,
  mayRewriteAudit: false,
  createRole: false,
  bypassRls: false,
  createsInSchema: false,
};

const ids = (facts: Partial<StoreRoleFacts>) => storeRoleRisks({ ...APPLICATION, ...facts }).map((risk) => risk.id);

describe("the store role's risks", () => {
  it("has unique ids", () => {
    const all = STORE_ROLE_RULES.map((rule) => rule.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it("finds nothing for an application role with only the product's privileges", () => {
    expect(storeRoleRisks(APPLICATION)).toEqual([]);
  });

  it("names each excess privilege of a role that is neither superuser nor owner", () => {
    expect(ids({ mayRewriteAudit: true })).toEqual(["may-rewrite-audit"]);
    expect(ids({ createRole: true })).toEqual(["creates-roles"]);
    expect(ids({ bypassRls: true })).toEqual(["bypasses-rls"]);
    expect(ids({ createsInSchema: true })).toEqual(["creates-in-schema"]);
    expect(ids({ mayRewriteAudit: true, createRole: true, bypassRls: true, createsInSchema: true })).toEqual([
      "may-rewrite-audit",
      "creates-roles",
      "bypasses-rls",
      "creates-in-schema",
    ]);
  });

  it("says only 'superuser' of a superuser, whose every other privilege follows from it", () => {
    expect(ids({ superuser: true, ownsTables: true, mayRewriteAudit: true, createRole: true, bypassRls: true, createsInSchema: true })).toEqual(["superuser"]);
  });

  it("says 'owns-tables' of an owner, without repeating what owning implies", () => {
    expect(ids({ ownsTables: true, mayRewriteAudit: true, createsInSchema: true })).toEqual(["owns-tables"]);
    expect(ids({ ownsTables: true, createRole: true })).toEqual(["owns-tables", "creates-roles"]);
  });

  it("names the role and what it could do in the sentence", () => {
    const [risk] = storeRoleRisks({ ...APPLICATION, role: "postgres", superuser: true });
    expect(risk?.sentence).toMatch(/"postgres", a superuser: .*disable the audit trail's append-only trigger/);
  });
});
