import type { CommandModule } from "yargs";
import { accountsCommand } from "./accounts.js";
import { balanceCommand } from "./balance.js";
import { blockNumberCommand } from "./blockNumber.js";
import { chainIdCommand } from "./chainId.js";
import { completionCommand } from "./completion.js";
import { logsCommand } from "./logs.js";
import { nonceCommand } from "./nonce.js";
import { receiptCommand } from "./receipt.js";
import { txCommand } from "./tx.js";

/** Commands registered by this group (see src/cli/main.ts): chain queries, logs and shell completion. */
export const chainCommands: CommandModule[] = [
  logsCommand,
  receiptCommand,
  txCommand,
  balanceCommand,
  nonceCommand,
  blockNumberCommand,
  chainIdCommand,
  accountsCommand,
  completionCommand,
];
