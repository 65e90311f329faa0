import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals, withOptions } from "../options.js";
import { createOutput } from "../output.js";

const SHELLS = ["bash", "zsh"] as const;
type Shell = (typeof SHELLS)[number];

/**
 * `chaincall completion [--shell zsh]`: a shell completion script. The script asks the CLI itself
 * (`chaincall --get-yargs-completions <words>`, answered by yargs from the registered commands and
 * options), so completions never go stale.
 */
export const completionCommand: CommandModule = {
  command: "completion",
  describe: "Print a shell completion script (bash, or zsh with --shell zsh)",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Completion options:", {
      shell: { type: "string", choices: SHELLS, describe: "the shell to complete in [default: bash]" },
    }).epilogue(
      examples([
        ["chaincall completion >> ~/.bashrc", "bash: commands and options on <Tab>"],
        ["chaincall completion --shell zsh >> ~/.zshrc", "zsh, with descriptions"],
      ]),
    ),
  handler: (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const shell = (argv.shell as Shell | undefined) ?? "bash";
    const script = completionScript(shell, "chaincall");
    output.lines([script.trimEnd()]);
    output.document({ shell, script });
  },
};

/**
 * The completion script for `shell`, for the program `name` (found on PATH when completing).
 * @example completionScript("bash", "chaincall") // "###-begin-chaincall-completions-###\n…"
 */
function completionScript(shell: Shell, name: string): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, "_")}_completions`;
  if (shell === "zsh") {
    return `#compdef ${name}
###-begin-${name}-completions-###
# zsh completion for ${name}. Install: ${name} completion --shell zsh >> ~/.zshrc
${fn}()
{
  local reply
  local si=$IFS
  # ZSH_NAME asks for "name:description" pairs, which _describe shows.
  IFS=$'\\n' reply=($(ZSH_NAME=zsh COMP_CWORD="$((CURRENT-1))" COMP_LINE="$BUFFER" COMP_POINT="$CURSOR" ${name} --get-yargs-completions "\${words[@]}" 2>/dev/null))
  IFS=$si
  _describe 'values' reply
}
compdef ${fn} ${name}
###-end-${name}-completions-###
`;
  }
  return `###-begin-${name}-completions-###
# bash completion for ${name}. Install: ${name} completion >> ~/.bashrc
${fn}()
{
  local cur_word args type_list
  cur_word="\${COMP_WORDS[COMP_CWORD]}"
  args=("\${COMP_WORDS[@]:0:COMP_CWORD+1}")
  # The CLI lists the commands and options that fit the words typed so far.
  type_list=$(${name} --get-yargs-completions "\${args[@]}" 2>/dev/null)
  COMPREPLY=( $(compgen -W "\${type_list}" -- "\${cur_word}") )
  return 0
}
complete -o bashdefault -o default -F ${fn} ${name}
###-end-${name}-completions-###
`;
}
