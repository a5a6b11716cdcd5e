import { beforeAll, describe, expect, it } from "vitest";
import { PATCH as updateUserRoute } from "@/app/api/v1/users/[id]/route";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { POST as issueTokenRoute } from "@/app/api/v1/auth/tokens/route";
import { call, createTestUser, tableCounts, tokenFor } from "../support/api";

let adminToken: string;
let viewerId: string;

beforeAll(async () => {
  const admin = await createTestUser("admin@example.com", ["admin"]);
  viewerId = (await createTestUser("viewer@example.com", ["viewer"])).id;
  adminToken = await tokenFor(admin.id);
});

/** Sends a bad request and proves it changed nothing in the store. */
async function rejected(options: Parameters<typeof call>[1], handler = createUserRoute) {
  const before = await tableCounts();
  const response = await call(handler, { method: "POST", path: "/api/v1/users", token: adminToken, ...options });
  expect(await tableCounts()).toEqual(before);
  return response;
}

describe("API validation: a rejected request answers 4xx with a message naming the problem and writes nothing", () => {
  it("malformed JSON → 400 invalid_json", async () => {
    const { status, json } = await rejected({ rawBody: '{"email": "a@b.c",' });
    expect(status).toBe(400);
    expect(json.error.code).toBe("invalid_json");
    expect(json.error.message).toMatch(/not valid JSON/);
  });

  it("a body that is not declared as JSON → 400", async () => {
    const { status, json } = await rejected({ rawBody: "email=a@b.c", contentType: "application/x-www-form-urlencoded" });
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/Content-Type: application\/json/);
  });

  it("missing field → 400 naming it", async () => {
    const { status, json } = await rejected({ body: { password: "a-long-enough-password", roles: ["viewer"] } });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: "validation_failed", field: "email" });
    expect(json.error.message).toMatch(/^email: /);
  });

  it("wrong type → 400 naming it", async () => {
    const { status, json } = await rejected({ body: { email: "new@example.com", password: "a-long-enough-password", roles: "admin" } });
    expect(status).toBe(400);
    expect(json.error.field).toBe("roles");
  });

  it("unknown role → 400 naming the element", async () => {
    const { status, json } = await rejected({ body: { email: "new@example.com", password: "a-long-enough-password", roles: ["viewer", "root"] } });
    expect(status).toBe(400);
    expect(json.error.field).toBe("roles.1");
  });

  it("unexpected field → 400 rather than silently ignored", async () => {
    const { status, json } = await rejected({ body: { email: "new@example.com", password: "a-long-enough-password", roles: ["viewer"], superuser: true } });
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/superuser/);
  });

  it("a body over 1 MiB → 413", async () => {
    const { status, json } = await rejected({ rawBody: JSON.stringify({ email: "x".repeat(1024 * 1024 + 10) }) });
    expect(status).toBe(413);
    expect(json.error.code).toBe("payload_too_large");
  });

  it("a duplicate email → 409 naming the field", async () => {
    const { status, json } = await rejected({ body: { email: "VIEWER@example.com", password: "a-long-enough-password", roles: ["viewer"] } });
    expect(status).toBe(409);
    expect(json.error).toMatchObject({ code: "conflict", field: "email" });
  });

  it("an unknown user id → 404", async () => {
    const { status, json } = await rejected({ method: "PATCH", params: { id: "no-such-user" }, body: { roles: ["viewer"] } }, updateUserRoute);
    expect(status).toBe(404);
    expect(json.error.message).toMatch(/no-such-user/);
  });

  it("an empty update → 400", async () => {
    const { status } = await rejected({ method: "PATCH", params: { id: viewerId }, body: {} }, updateUserRoute);
    expect(status).toBe(400);
  });

  it("token request without a password → 400 naming it, no failed sign-in counted", async () => {
    const { status, json } = await rejected({ path: "/api/v1/auth/tokens", body: { email: "viewer@example.com" } }, issueTokenRoute);
    expect(status).toBe(400);
    expect(json.error.field).toBe("password");
  });

  it("never shows a stack trace", async () => {
    const { json } = await rejected({ rawBody: "{" });
    expect(JSON.stringify(json)).not.toMatch(/\bat \w+ \(|\.ts:\d+/);
  });
});

describe("API success", () => {
  it("creates a user, audited with the actor and without the password", async () => {
    const { status, json } = await call(createUserRoute, {
      method: "POST",
      token: adminToken,
      body: { email: " New.Person@Example.com ", password: "a-long-enough-password", roles: ["operator", "viewer"] },
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({ email: "new.person@example.com", roles: ["operator", "viewer"], disabled: false });
    expect(JSON.stringify(json)).not.toMatch(/password/i);
  });
});
