import type { CommandModule } from "yargs";
import { batchCommand } from "./batch";

/** Commands registered by this group (see src/cli/main.ts). */
export const batchCommands: CommandModule[] = [batchCommand];
