import { createByCommand, getByCommand } from "./key-command";
import { createKeyFile, keyDir, readKeyFile } from "./key-files";

/**
 * Where the control plane's keys come from: key files (the default), or an
 * operator's key command (SWITCHYARD_KEY_COMMAND) that fronts a KMS or a
 * secret manager. Either way never the store. Every control-plane copy on
 * one store must see the same keys: the same folder, or the same command.
 */
export interface KeyProvider {
  /** For logs and messages: where the keys are. */
  readonly description: string;
  /** The key `name`, or null when there is none. */
  read(name: string): Promise<string | null>;
  /** Keeps `material` as the key `name` unless one exists, and returns the key as kept. */
  create(name: string, material: string): Promise<string>;
}

export function keyProvider(env: Readonly<Record<string, string | undefined>> = process.env): KeyProvider {
  const command = env.SWITCHYARD_KEY_COMMAND?.trim();
  if (command) {
    return {
      description: "the key command (SWITCHYARD_KEY_COMMAND)",
      read: (name) => getByCommand(command, name),
      create: (name, material) => createByCommand(command, name, material),
    };
  }
  return {
    description: `the key folder ${keyDir()}`,
    read: async (name) => readKeyFile(name),
    create: async (name, material) => createKeyFile(name, material),
  };
}

/** The key `name` from the configured provider, created with `generate` by whichever process asks first. */
export async function loadOrCreateKey(name: string, generate: () => string): Promise<string> {
  const provider = keyProvider();
  return (await provider.read(name)) ?? (await provider.create(name, generate()));
}
