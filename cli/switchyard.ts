import { runCli } from "./main";
import { processIo } from "./process-io";

process.exitCode = await runCli(process.argv.slice(2), { io: processIo(), env: process.env });
