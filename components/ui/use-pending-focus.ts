"use client";

import { useCallback, useEffect, useRef } from "react";

/**
 * Moves the keyboard focus to an element that the next render puts on
 * screen (a heading that appears once a request answers): `focusSoon(id)`
 * now, the focus once the element exists.
 */
export function usePendingFocus(): (id: string) => void {
  const pending = useRef<string | null>(null);
  useEffect(() => {
    const target = pending.current && document.getElementById(pending.current);
    if (!target) return;
    target.focus();
    pending.current = null;
  });
  return useCallback((id: string) => {
    pending.current = id;
  }, []);
}
