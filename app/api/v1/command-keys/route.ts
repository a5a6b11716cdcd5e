import { OPERATIONS } from "@/contracts/operations";
import { commandKeyStatus } from "@/server/commands/key-rotation";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(OPERATIONS.commandKeyStatus, () => commandKeyStatus());
