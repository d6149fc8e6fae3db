import { UserError } from '../../errors.ts';

/** The build stopped on request (SIGINT/SIGTERM) after saving its checkpoint. Exit code 130. */
export class BuildInterrupted extends UserError {
  override name = 'BuildInterrupted';
  constructor(
    readonly done: number,
    readonly total: number,
    readonly checkpointDir: string,
  ) {
    super(
      `Stopped: ${done} of ${total} tracks have their audio embedded; progress is saved in ${checkpointDir}.`,
      'Run the same command again to resume.',
    );
  }
}

export function isBuildInterrupted(err: unknown): err is BuildInterrupted {
  return err instanceof BuildInterrupted;
}
