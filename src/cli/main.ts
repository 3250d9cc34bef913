// `ouverture`: the command-line client of the service, run by bin/ouverture.js.
// Each sub-command lives in a module of its own; this one only dispatches.
import { PUSH_USAGE } from './push-command.js'
import { runPush } from './push.js'

const USAGE = `Usage: ouverture COMMAND [options]

Commands:
  push FILE --resource ID   upload a CSV file as a new revision of a resource

Run "ouverture COMMAND --help" for a command's options. The service's address
and the token come from OUVERTURE_URL and OUVERTURE_TOKEN.
`

const COMMANDS: Record<string, { usage: string; run: typeof runPush }> = {
  push: { usage: PUSH_USAGE, run: runPush }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...args] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = args[0] === undefined ? undefined : COMMANDS[args[0]]
    process.stdout.write(command?.usage ?? USAGE)
    return 0
  }

  const command = name === undefined ? undefined : COMMANDS[name]
  if (command === undefined) {
    const what = name === undefined ? 'no command given' : `unknown command "${name}"`
    process.stderr.write(`ouverture: ${what}\n\n${USAGE}`)
    return 2
  }
  return command.run(args, env)
}

// exitCode rather than exit(): output still queued on a pipe is written first.
process.exitCode = await main(process.argv.slice(2), process.env)
