import { z } from "zod";
import * as zm from "zod/mini";
import { describe, expect, it } from "vitest";
import { agentReportBatchSchema } from "./agent-reports";
import { classicSchema } from "./classic-schema";
import { apiErrorSchema } from "./errors";

describe("classic rebuilds of zod/mini contracts, for the OpenAPI generator", () => {
  it("validate and document as the mini schema, its component id included", () => {
    const classic = classicSchema(agentReportBatchSchema);
    expect(classic).toBeInstanceOf(z.ZodObject);
    expect(classic.meta()).toEqual({ id: "AgentReportBatch" });
    expect(z.toJSONSchema(classic, { io: "input" })).toEqual(z.toJSONSchema(agentReportBatchSchema, { io: "input" }));
    const batch = { sentAt: "2026-01-01T00:00:00.000Z", agentVersion: "1", reports: [] };
    expect(classic.safeParse(batch).error?.issues).toEqual(agentReportBatchSchema.safeParse(batch).error?.issues);
  });

  it("leave a classic schema holding no mini one as it is, and rebuild one that does", () => {
    expect(classicSchema(apiErrorSchema)).toBe(apiErrorSchema);
    const holder = z.object({ inner: zm.nullable(zm.string()) });
    const rebuilt = classicSchema(holder);
    if (!(rebuilt instanceof z.ZodObject)) throw new Error("not rebuilt as a classic object");
    expect(rebuilt).not.toBe(holder);
    expect(rebuilt.shape.inner).toBeInstanceOf(z.ZodNullable);
  });

  it("refuse a kind of mini schema they do not know rather than document it wrongly", () => {
    expect(() => classicSchema(zm.tuple([zm.string()]))).toThrow("cannot rebuild a zod/mini tuple schema as classic zod");
  });
});
