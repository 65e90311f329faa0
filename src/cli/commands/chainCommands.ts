import type { CommandModule } from "yargs";
import { accountsCommand } from "./accounts";
import { balanceCommand } from "./balance";
import { blockNumberCommand } from "./blockNumber";
import { chainIdCommand } from "./chainId";
import { completionCommand } from "./completion";
import { logsCommand } from "./logs";
import { nonceCommand } from "./nonce";
import { receiptCommand } from "./receipt";
import { txCommand } from "./tx";

/** Commands registered by this group (see src/cli/main.ts): chain queries, logs and shell completion. */
export const chainCommands: CommandModule[] = [logsCommand, receiptCommand, txCommand, balanceCommand, nonceCommand, blockNumberCommand, chainIdCommand, accountsCommand, completionCommand];
