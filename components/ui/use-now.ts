"use client";

import { useEffect, useState } from "react";

/**
 * The browser's clock, ticking every `intervalMs`. The first render (on the
 * server, and the browser's hydration of it) uses `renderedAt`, the instant
 * the data was read, so both render the same text; the clock takes over
 * once mounted.
 */
export function useNow(intervalMs: number, renderedAt: number): number {
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
