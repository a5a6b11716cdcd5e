import "server-only";
import { Prisma } from "../db/generated/client";
import { ConflictError } from "../errors";

/**
 * Two admins acting on the same replica at once: the checks in each
 * transaction pass, and the unique indexes (one active agent per replica,
 * unique names) refuse the second. It gets a 409 saying so, not a 500.
 */
export async function raceAsConflict<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ConflictError(message);
    throw error;
  }
}
