import type { CommandModule } from "yargs";
import { abiCommand } from "./abi";
import { decodeCommand } from "./decode";
import { encodeCommand } from "./encode";

/** Commands registered by this group (see src/cli/main.ts). */
export const abiCommands: CommandModule[] = [encodeCommand, decodeCommand, abiCommand];
