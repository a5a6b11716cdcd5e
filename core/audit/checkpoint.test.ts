import { describe, expect, it } from "vitest";
import { checkCheckpoint } from "./checkpoint";

const HASH = "a".repeat(64);

describe("checkCheckpoint", () => {
  it("matches when the event at the seq still has the kept hash", () => {
    expect(checkCheckpoint({ seq: 5, hash: HASH }, { seq: 5, hash: HASH })).toMatchObject({ matches: true, foundHash: HASH });
  });

  it("reports a different hash at the seq as a rewrite at or before it", () => {
    const check = checkCheckpoint({ seq: 5, hash: "b".repeat(64) }, { seq: 5, hash: HASH });
    expect(check).toMatchObject({ matches: false, foundHash: "b".repeat(64), expectedHash: HASH });
    expect(!check.matches && check.reason).toMatch(/#5 no longer has the checkpoint's hash/);
  });

  it("reports a missing event (a removed tail) as a mismatch", () => {
    expect(checkCheckpoint(null, { seq: 9, hash: HASH })).toMatchObject({ matches: false, foundHash: null, reason: "event #9 is no longer in the trail" });
  });
});
