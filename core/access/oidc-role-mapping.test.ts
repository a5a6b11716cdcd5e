import { describe, expect, it } from "vitest";
import { parseOidcRoleMapping, rolesFromClaims } from "./oidc-role-mapping";

describe("parsing the OIDC role mapping", () => {
  it("reads claim-value=role pairs, with + for several roles and repeated values merged in role order", () => {
    const mapping = parseOidcRoleMapping(" sre = operator , sre-leads=approver+operator,\nswitchyard-admins=admin, sre=viewer ");
    expect([...mapping]).toEqual([
      ["sre", ["viewer", "operator"]],
      ["sre-leads", ["operator", "approver"]],
      ["switchyard-admins", ["admin"]],
    ]);
  });

  it("splits on the last =, so a claim value may hold one", () => {
    expect([...parseOidcRoleMapping("/ops/sre=operator\ncn=leads=approver")]).toEqual([
      ["/ops/sre", ["operator"]],
      ["cn=leads", ["approver"]],
    ]);
    expect([...parseOidcRoleMapping("team=a=auditor")]).toEqual([["team=a", ["auditor"]]]);
  });

  it("reads a JSON object for claim values with commas", () => {
    const mapping = parseOidcRoleMapping('{"CN=SRE,OU=Groups": ["operator", "approver"], "auditors": "auditor"}');
    expect([...mapping]).toEqual([
      ["CN=SRE,OU=Groups", ["operator", "approver"]],
      ["auditors", ["auditor"]],
    ]);
  });

  it.each([
    ["sre=superuser", /"sre" maps to "superuser", which is not a role/],
    ["sre", /"sre" is not claim-value=role/],
    ["=admin", /"=admin" is not claim-value=role/],
    ["sre=", /"sre=" names no role/],
    [" , ", /maps no claim value to a role/],
    ["{}", /maps no claim value to a role/],
    ["{not json", /not JSON/],
    ["[1]", /not claim-value=role/],
    ['{"sre": []}', /"sre" must map to a role name or a list/],
    ['{"sre": 3}', /"sre" must map to a role name or a list/],
    ['{"sre": "root"}', /not a role/],
  ])("refuses %j", (text, message) => {
    expect(() => parseOidcRoleMapping(text)).toThrow(message);
  });
});

describe("roles from claims", () => {
  const mapping = parseOidcRoleMapping("sre=operator, leads=approver+operator, admins=admin");

  it("grants the union of the roles every mapped value names, in role order", () => {
    expect(rolesFromClaims({ groups: ["admins", "sre", "leads"] }, "groups", mapping)).toEqual(["operator", "approver", "admin"]);
  });

  it("grants nothing for values the mapping does not name, and nothing without the claim", () => {
    expect(rolesFromClaims({ groups: ["marketing"] }, "groups", mapping)).toEqual([]);
    expect(rolesFromClaims({ email: "a@b.c" }, "groups", mapping)).toEqual([]);
    expect(rolesFromClaims({ groups: [] }, "groups", mapping)).toEqual([]);
  });

  it("reads a single string claim, and ignores values that are not strings", () => {
    expect(rolesFromClaims({ role: "sre" }, "role", mapping)).toEqual(["operator"]);
    expect(rolesFromClaims({ groups: [{ name: "admins" }, 7, null, "sre"] }, "groups", mapping)).toEqual(["operator"]);
    expect(rolesFromClaims({ groups: { admins: true } }, "groups", mapping)).toEqual([]);
  });

  it("matches claim values exactly: no case folding, no substrings", () => {
    expect(rolesFromClaims({ groups: ["Admins", "admins-old", " admins"] }, "groups", mapping)).toEqual([]);
  });

  it("prefers a top-level claim whose name has dots, else follows the dotted path", () => {
    expect(rolesFromClaims({ "https://example.com/groups": ["admins"] }, "https://example.com/groups", mapping)).toEqual(["admin"]);
    expect(rolesFromClaims({ realm_access: { roles: ["sre"] } }, "realm_access.roles", mapping)).toEqual(["operator"]);
    expect(rolesFromClaims({ "realm_access.roles": ["admins"], realm_access: { roles: ["sre"] } }, "realm_access.roles", mapping)).toEqual(["admin"]);
    expect(rolesFromClaims({ realm_access: ["sre"] }, "realm_access.roles", mapping)).toEqual([]);
  });

  it("does not read inherited properties as claims", () => {
    expect(rolesFromClaims({}, "constructor", parseOidcRoleMapping("x=admin"))).toEqual([]);
    expect(rolesFromClaims({ a: {} }, "a.toString", mapping)).toEqual([]);
  });
});
