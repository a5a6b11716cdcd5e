import { describe, expect, it } from "vitest";
import { decideOidcSignIn, OIDC_SIGN_IN_RULES, oidcRefusalMessage, rolesToStore, type OidcAccountFacts, type OidcSignInFacts } from "./oidc-sign-in";

const ISSUER = "https://id.example.com";

function facts(change: Partial<Omit<OidcSignInFacts, "identity">> & { identity?: Partial<OidcSignInFacts["identity"]> } = {}): OidcSignInFacts {
  const { identity, ...rest } = change;
  return {
    trustedIssuer: ISSUER,
    roles: ["operator"],
    bound: null,
    sameEmail: null,
    ...rest,
    identity: { issuer: ISSUER, subject: "sub-1", email: "ana@example.com", emailVerified: true, name: "Ana", ...identity },
  };
}

const local = (change: Partial<OidcAccountFacts> = {}): OidcAccountFacts => ({ id: "u1", disabled: false, oidcIssuer: null, oidcSubject: null, ...change });
const boundAccount = (change: Partial<OidcAccountFacts> = {}) => local({ oidcIssuer: ISSUER, oidcSubject: "sub-1", ...change });

describe("the OIDC sign-in rules", () => {
  it("are well formed: unique ids, a sentence each, a message exactly for refusals, ending with a rule that always matches", () => {
    const ids = OIDC_SIGN_IN_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of OIDC_SIGN_IN_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.sentence).toMatch(/^[A-Z].*\.$/);
      expect(rule.message === null).toBe(rule.verdict.kind !== "refuse");
    }
    expect(OIDC_SIGN_IN_RULES.at(-1)?.when(facts({ identity: { issuer: "x" }, roles: [] }))).toBe(true);
  });

  it.each<[string, OidcSignInFacts, string]>([
    ["an ID token from another issuer is refused, even for a bound account", facts({ identity: { issuer: "https://evil.example" }, bound: boundAccount() }), "untrusted-issuer"],
    ["a disabled bound account is refused", facts({ bound: boundAccount({ disabled: true }) }), "account-disabled"],
    ["a disabled local account is not linked", facts({ sameEmail: local({ disabled: true }) }), "account-disabled"],
    ["a bound account whose claims map to no role is refused", facts({ bound: boundAccount(), roles: [] }), "no-mapped-role"],
    ["a new person whose claims map to no role is refused, and no account is created", facts({ roles: [] }), "no-mapped-role"],
    ["a bound account signs in", facts({ bound: boundAccount() }), "bound-account"],
    ["a bound account signs in without a verified email: the subject is what binds it", facts({ bound: boundAccount(), identity: { email: null, emailVerified: false } }), "bound-account"],
    ["an unbound identity with an unverified email is refused", facts({ identity: { emailVerified: false } }), "unverified-email"],
    ["an unbound identity with an unverified email is refused, not linked to the local account of that email", facts({ identity: { emailVerified: false }, sameEmail: local() }), "unverified-email"],
    ["an unverified email does not reveal that its account is disabled", facts({ identity: { emailVerified: false }, sameEmail: local({ disabled: true }) }), "unverified-email"],
    ["an unbound identity without an email is refused", facts({ identity: { email: null } }), "unverified-email"],
    ["an email whose account is bound to another subject is refused", facts({ sameEmail: boundAccount({ oidcSubject: "sub-2" }) }), "email-bound-elsewhere"],
    ["an email whose account is bound to another issuer is refused", facts({ sameEmail: boundAccount({ oidcIssuer: "https://old.example" }) }), "email-bound-elsewhere"],
    ["the local account of a verified email is linked", facts({ sameEmail: local() }), "link-local-account"],
    ["a new person with a verified email and a mapped role gets an account", facts(), "create-account"],
  ])("%s", (_, input, ruleId) => {
    expect(decideOidcSignIn(input).id).toBe(ruleId);
  });

  it("store the mapped roles on a bound account whatever the verdict, so a role removed at the provider is gone at the next sign-in", () => {
    expect(rolesToStore(facts({ bound: boundAccount(), roles: [] }))).toEqual([]);
    expect(rolesToStore(facts({ bound: boundAccount({ disabled: true }), roles: ["viewer"] }))).toEqual(["viewer"]);
    expect(rolesToStore(facts({ bound: boundAccount(), roles: ["operator", "approver"] }))).toEqual(["operator", "approver"]);
  });

  it("store nothing without a bound account, or for a token of another issuer", () => {
    expect(rolesToStore(facts({ sameEmail: local() }))).toBeNull();
    expect(rolesToStore(facts({ bound: boundAccount(), identity: { issuer: "https://evil.example" }, roles: [] }))).toBeNull();
  });

  it("give the sign-in page a message for refusals only", () => {
    expect(oidcRefusalMessage("no-mapped-role")).toMatch(/no group that grants a Switchyard role/);
    expect(oidcRefusalMessage("bound-account")).toBeNull();
    expect(oidcRefusalMessage("<script>")).toBeNull();
    expect(oidcRefusalMessage(undefined)).toBeNull();
  });
});
