import type { CommandModule } from "yargs";
import { abiCommand } from "./abi.js";
import { decodeCommand } from "./decode.js";
import { encodeCommand } from "./encode.js";

/** Commands registered by this group (see src/cli/main.ts). */
export const abiCommands: CommandModule[] = [encodeCommand, decodeCommand, abiCommand];
