import { describe, expect, it } from "vitest";
import { parseVouch, vouchPayload } from "./vouch";

describe("a witness's vouch", () => {
  it("names the witness and its region, and is read back as sent", () => {
    const witness = { replica: "pg-eu-west-1", regionId: "aws:eu-west-1" };
    expect(parseVouch(vouchPayload(witness))).toEqual(witness);
  });

  it("is nothing when the notification is something else", () => {
    for (const payload of [undefined, "", "hello", "{}", '{"replica":"x"}', '{"replica":"x","regionId":"y","extra":1}']) expect(parseVouch(payload)).toBeNull();
  });
});
