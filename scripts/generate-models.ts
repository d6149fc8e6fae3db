/**
 * npm run models:generate — writes the untrained stand-in models (see --help).
 */
import { isUserError } from '../src/errors.ts';
import { parseGenerateArgs, GENERATE_HELP } from '../src/models/generate/cli-args.ts';
import { generateModels } from '../src/models/generate/index.ts';

async function main(): Promise<void> {
  const options = parseGenerateArgs(process.argv.slice(2), process.env);
  if (options === 'help') {
    process.stdout.write(GENERATE_HELP);
    return;
  }
  const results = await generateModels({ ...options, onProgress: (line) => console.log(line) });
  for (const r of results) {
    const seconds = (r.milliseconds / 1000).toFixed(1);
    if (r.status === 'written') {
      console.log(`wrote ${r.id} → ${r.dir} (${seconds} s)`);
    } else {
      console.log(`kept ${r.id} at ${r.dir} (already complete; --force regenerates)`);
      if (r.differs) {
        console.log('  note: it was made with another seed, other sizes or an older generator than asked now;');
        console.log('  --force replaces it (then rebuild indexes embedded with the old one)');
      }
    }
  }
}

main().catch((err: unknown) => {
  if (isUserError(err)) {
    console.error(`error: ${err.full}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
});
