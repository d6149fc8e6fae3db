/**
 * A forgiving RFC 4180 record reader for the prototype's CSVs (pandas output: comma separated,
 * `"` quoting with `""` escapes, quoted fields may span lines).
 *
 * Why not csv-parse here: after one malformed quote it swallows the rest of the file, and an
 * import must list a bad row and go on. This reader reports the record's first line and resumes
 * at the next physical line, so one stray quote costs one row.
 */
export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

export function* csvRecords(text: string): Generator<CsvRecord> {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let done = false;
    while (!done) {
      if (pos < n && text[pos] === '"') {
        // Quoted field: up to the closing quote, `""` is a literal quote.
        pos++;
        let closed = false;
        while (pos < n) {
          const c = text[pos]!;
          if (c === '"') {
            if (text[pos + 1] === '"') {
              field += '"';
              pos += 2;
              continue;
            }
            pos++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          pos++;
        }
        if (!closed) {
          error = 'a quoted field is never closed';
          break;
        }
        const next = text[pos];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          error = `unexpected character ${JSON.stringify(next)} after a closing quote`;
          break;
        }
      } else {
        // Unquoted field: a stray quote inside it is taken literally.
        while (pos < n && text[pos] !== ',' && text[pos] !== '\n' && text[pos] !== '\r') field += text[pos++];
      }
      fields.push(field);
      field = '';
      const c = text[pos];
      if (c === ',') {
        pos++;
      } else {
        if (c === '\r') pos++;
        if (text[pos] === '\n') pos++;
        line++;
        done = true;
      }
    }
    if (error !== undefined) {
      yield { line: startLine, error };
      // Resume at the physical line after the record's first line.
      const nl = text.indexOf('\n', start);
      pos = nl === -1 ? n : nl + 1;
      line = startLine + 1;
      continue;
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    yield { line: startLine, fields };
  }
}
