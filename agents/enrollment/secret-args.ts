import { readFileSync } from "node:fs";

/**
 * Secrets on a command line are seen by every user of the host (`ps`,
 * /proc/<pid>/cmdline) and kept in shell history. Each secret the agent's
 * command line takes can come from a file or the environment instead; the
 * flag keeps working, with a warning.
 */
export interface SecretSources {
  /** The secret given as a flag's value (seen by `ps`). */
  flag: { name: string; value: string | undefined };
  /** A file holding it (its first line, without the line break). */
  file: { name: string; value: string | undefined };
  env: { name: string; value: string | undefined };
}

export interface SecretReading {
  readText: (file: string) => string;
  warn: (message: string) => void;
}

export const defaultSecretReading: SecretReading = { readText: (file) => readFileSync(file, "utf8"), warn: () => {} };

/** A flag that cannot be used as given; the caller turns it into its usage error. */
export class SecretSourceError extends Error {}

export function visibleWarning(flag: string, instead: string): string {
  return `warning: ${flag} puts a secret where every user of this host can read it (ps, /proc) and in shell history; use ${instead} instead`;
}

/** The file wins over the flag, the flag over the environment; undefined when none gives it. */
export function readSecret({ flag, file, env }: SecretSources, reading: SecretReading): string | undefined {
  if (file.value !== undefined) {
    let text: string;
    try {
      text = reading.readText(file.value);
    } catch (error) {
      throw new SecretSourceError(`${file.name} ${file.value}: ${(error as Error).message}`);
    }
    const secret = text.split(/\r?\n/)[0]!;
    if (!secret) throw new SecretSourceError(`${file.name} ${file.value}: the file is empty`);
    return secret;
  }
  if (flag.value !== undefined) {
    reading.warn(visibleWarning(flag.name, `${file.name} or ${env.name}`));
    return flag.value;
  }
  return env.value || undefined;
}

/**
 * A postgresql:// URL's password: warned about when the URL carries one,
 * filled in from `envName` when it names a user but no password, so the URL
 * on the command line need not hold it (the agent keeps the whole URL in its
 * state folder, mode 0600).
 */
export function urlWithPassword(flag: string, url: string, envName: string, env: Readonly<Record<string, string | undefined>>, reading: SecretReading): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password) {
    reading.warn(visibleWarning(`a password in ${flag}`, `a URL without one and ${envName}`));
    return url;
  }
  const password = env[envName];
  if (!password || !parsed.username) return url;
  parsed.password = password;
  return parsed.toString();
}
