import type { CommandModule } from "yargs";
import { batchCommand } from "./batch.js";

/** Commands registered by this group (see src/cli/main.ts). */
export const batchCommands: CommandModule[] = [batchCommand];
