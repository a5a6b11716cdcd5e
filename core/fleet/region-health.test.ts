import { describe, expect, it } from "vitest";
import { countByHealth, worstHealth } from "./region-health";

describe("region health", () => {
  it("is the worst of its replicas", () => {
    expect(worstHealth(["healthy", "degraded", "healthy"])).toBe("degraded");
    expect(worstHealth(["healthy", "stale", "degraded"])).toBe("stale");
    expect(worstHealth(["stale", "unhealthy"])).toBe("unhealthy");
    expect(worstHealth(["healthy", "unknown"])).toBe("unknown");
    expect(worstHealth(["healthy"])).toBe("healthy");
  });

  it("is unknown without replicas", () => {
    expect(worstHealth([])).toBe("unknown");
  });

  it("counts every state, zeros included", () => {
    expect(countByHealth(["healthy", "healthy", "stale"])).toEqual({ healthy: 2, degraded: 0, unhealthy: 0, stale: 1, unknown: 0 });
  });
});
