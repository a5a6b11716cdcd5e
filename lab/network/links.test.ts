import { describe, expect, it } from "vitest";
import { CONTROL_PLANE, HEALTHY, applyUpdate, describeConditions, findLink, labLinks, linkKey, linksTouching, resolveEndpoint } from "./links";

const links = labLinks();

describe("the lab's links", () => {
  it("run from every region to every other region's PostgreSQL and to the control plane, one direction each", () => {
    expect(links.map(linkKey)).toEqual([
      "aws:us-east-1 -> aws:eu-west-1",
      "aws:us-east-1 -> gcp:europe-west3",
      "aws:us-east-1 -> control-plane",
      "aws:eu-west-1 -> aws:us-east-1",
      "aws:eu-west-1 -> gcp:europe-west3",
      "aws:eu-west-1 -> control-plane",
      "gcp:europe-west3 -> aws:us-east-1",
      "gcp:europe-west3 -> aws:eu-west-1",
      "gcp:europe-west3 -> control-plane",
    ]);
    expect(new Set(links.map(linkKey)).size).toBe(links.length);
  });

  it("isolating a region touches the links from it and to it, its link to the control plane included", () => {
    expect(linksTouching(links, "aws:eu-west-1").map(linkKey)).toEqual([
      "aws:us-east-1 -> aws:eu-west-1",
      "aws:eu-west-1 -> aws:us-east-1",
      "aws:eu-west-1 -> gcp:europe-west3",
      "aws:eu-west-1 -> control-plane",
      "gcp:europe-west3 -> aws:eu-west-1",
    ]);
    expect(linksTouching(links, CONTROL_PLANE).map((link) => link.from)).toEqual(["aws:us-east-1", "aws:eu-west-1", "gcp:europe-west3"]);
  });

  it("finds a link by region id or replica name, and says why there is none", () => {
    expect(findLink(links, "pg-eu-west-1", "aws:us-east-1")).toEqual({ from: "aws:eu-west-1", to: "aws:us-east-1" });
    expect(findLink(links, "gcp:europe-west3", "control-plane")).toEqual({ from: "gcp:europe-west3", to: CONTROL_PLANE });
    expect(() => findLink(links, "control-plane", "aws:us-east-1")).toThrow(/no link from the control plane/);
    expect(() => findLink(links, "aws:us-east-1", "pg-us-east-1")).toThrow(/reaches its own PostgreSQL directly/);
    expect(() => findLink(links, "aws:mars-1", "aws:us-east-1")).toThrow(/unknown region "aws:mars-1"/);
    expect(resolveEndpoint("pg-europe-west3")).toBe("gcp:europe-west3");
  });

  it("changes only the conditions an update names, and describes them", () => {
    const slow = applyUpdate(HEALTHY, { delayMs: 40 });
    expect(slow).toEqual({ state: "up", delayMs: 40, loss: 0 });
    expect(applyUpdate(slow, { state: "cut" })).toEqual({ state: "cut", delayMs: 40, loss: 0 });
    expect(describeConditions(applyUpdate(slow, { loss: 0.05 }))).toBe("up, +40 ms each way, 5% loss");
    expect(describeConditions(applyUpdate(slow, { state: "cut" }))).toBe("cut");
  });
});
