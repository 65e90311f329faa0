import type { CommandModule } from "yargs";

/** Commands registered by this group (see src/cli/main.ts). */
export const chainCommands: CommandModule[] = [];
