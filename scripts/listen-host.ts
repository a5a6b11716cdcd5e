/** The address the control plane listens on: HOST when set (`0.0.0.0` or `::` for every interface), else the loopback address only. */
export function listenHost(env: Readonly<Record<string, string | undefined>>): string {
  return env.HOST?.trim() || "127.0.0.1";
}
