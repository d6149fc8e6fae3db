/**
 * The command-line entry: `tsx src/main/cli.ts <command> [args]`, wrapped by npm scripts
 * (`npm run recommend -- …`, `npm run index -- …`, …). The commands live in src/cli/.
 */
import '../util/openmp-env.ts'; // first: before faiss-node loads
import dotenv from 'dotenv';
import { runCatalogCommand } from '../cli/catalog-command.ts';
import { benchCommand } from '../cli/bench-command.ts';
import { evalCommand } from '../cli/eval-command.ts';
import { buildDefaultCommand } from '../cli/build-default-command.ts';
import { importPythonCommand } from '../cli/import-python-command.ts';
import { indexCommand } from '../cli/index-command.ts';
import { indexWorkerCommand } from '../cli/index-worker-command.ts';
import { recommendCommand } from '../cli/recommend-command.ts';
import { similarCommand } from '../cli/similar-command.ts';
import { similarEvalCommand } from '../cli/similar-eval-command.ts';
import { runCommand } from '../cli/run-command.ts';

dotenv.config({ quiet: true });

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  recommend: recommendCommand,
  similar: similarCommand,
  'similar-eval': similarEvalCommand,
  index: indexCommand,
  'index-worker': indexWorkerCommand,
  catalog: runCatalogCommand,
  'build-default': buildDefaultCommand,
  bench: benchCommand,
  eval: evalCommand,
  'import-python': importPythonCommand,
};

const [name, ...argv] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  process.stderr.write(`Usage: tsx src/main/cli.ts <${Object.keys(COMMANDS).join('|')}> [args] (--help on each)\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await runCommand(name!, () => command(argv));
}
