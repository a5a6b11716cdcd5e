import { describe, expect, it } from "vitest";
import { decidePublicPost, PUBLIC_POST_RULES, PUBLIC_POST_RULE_IDS } from "./public-post";

const post = { authorId: "ana", commanderId: "ana", publicTitle: null, titleGiven: "Checkout is slow" };

describe("posting to the status page", () => {
  it("is a table with one row per id, ending with a row that always holds", () => {
    expect(PUBLIC_POST_RULES.map((rule) => rule.id)).toEqual([...PUBLIC_POST_RULE_IDS]);
    expect(PUBLIC_POST_RULES.at(-1)!.when({ authorId: "x", commanderId: null, publicTitle: null, titleGiven: null })).toBe(true);
  });

  it("is the commander's, with a public title on the first post", () => {
    expect(decidePublicPost(post)).toMatchObject({ id: "commander-posts", allowed: true });
    expect(decidePublicPost({ ...post, publicTitle: "Checkout is slow", titleGiven: null })).toMatchObject({ id: "commander-posts", allowed: true });
  });

  it("is refused while nobody commands the incident, even to the person who would", () => {
    expect(decidePublicPost({ ...post, commanderId: null })).toMatchObject({ id: "no-commander", allowed: false });
  });

  it("is refused to a responder or anyone else", () => {
    expect(decidePublicPost({ ...post, authorId: "ben" })).toMatchObject({ id: "commander-only", allowed: false });
  });

  it("is refused without a public title the first time", () => {
    expect(decidePublicPost({ ...post, titleGiven: null })).toMatchObject({ id: "title-first", allowed: false });
  });
});
