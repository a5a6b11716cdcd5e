import "server-only";
import type { Prisma } from "./generated/client";

/** A client bound to one open transaction. */
export type Tx = Prisma.TransactionClient;
