/** A row an import could not use: listed in the summary and skipped, never fatal. */
export interface ImportProblem {
  file: string;
  /** 1-based line of the row (the header is line 1). */
  line: number;
  message: string;
}

export function formatProblem(p: ImportProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}
