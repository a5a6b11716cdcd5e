import { execFileSync } from "node:child_process";
import { expect, type APIRequestContext } from "@playwright/test";
import { ADMIN } from "./session";

export interface Person {
  email: string;
  password: string;
  roles: string[];
}

const PRIVILEGED = ["approver", "admin"];

/** Another admin, who onboards the people that approve the first admin's changes. */
export const ONBOARDING_ADMIN: Person = { email: "onboarding-admin@e2e.test", password: "onboarding-admin-1", roles: ["admin"] };

/** Roles given from the product's host (`npm run accounts -- grant`), as a new installation's first approvers are. */
function grantFromHost(email: string, roles: string[]): void {
  execFileSync("npm", ["run", "--silent", "accounts", "--", "grant", email, roles.join(","), "--reason", "e2e: onboarding"], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: process.env.E2E_DATA_DIR, DATABASE_URL: "" },
    stdio: "pipe",
  });
}

/** An API token of the person's, with these scopes (admin by default), issued with their password as a script would. */
export async function tokenOf(request: APIRequestContext, person: { email: string; password: string }, scopes: string[] = ["admin"]): Promise<string> {
  const issued = await request.post("/api/v1/auth/tokens", { data: { email: person.email, password: person.password, name: "e2e", scopes } });
  expect(issued.status()).toBe(201);
  return ((await issued.json()) as { token: string }).token;
}

async function create(request: APIRequestContext, token: string, person: Person): Promise<void> {
  const created = await request.post("/api/v1/users", { headers: { authorization: `Bearer ${token}` }, data: { email: person.email, password: person.password, roles: person.roles } });
  expect([201, 409]).toContain(created.status());
}

/**
 * People who act beside the first admin, onboarded so that an approver
 * counts as a second person for that admin: created by another admin (an
 * account its requester created would not), and approver or admin granted
 * from the host, since an installation's first admin cannot grant them alone.
 */
export async function onboard(request: APIRequestContext, people: Person[]): Promise<void> {
  await create(request, await tokenOf(request, ADMIN), ONBOARDING_ADMIN);
  grantFromHost(ONBOARDING_ADMIN.email, ONBOARDING_ADMIN.roles);
  const onboarding = await tokenOf(request, ONBOARDING_ADMIN);
  for (const person of people) {
    await create(request, onboarding, person);
    const privileged = person.roles.filter((role) => PRIVILEGED.includes(role));
    if (privileged.length) grantFromHost(person.email, privileged);
  }
}

/** An operator (or other unprivileged person) the first admin creates, as a spec's beforeAll needs one; already there is fine. */
export async function createByAdmin(request: APIRequestContext, person: Person): Promise<void> {
  await create(request, await tokenOf(request, ADMIN), person);
}
