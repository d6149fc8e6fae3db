/**
 * An independent RFC 4180 reader for tests: fields split on commas, quoted fields may hold commas,
 * doubled quotes and line breaks, records end with CRLF (a lone LF is accepted too). A stray quote
 * inside an unquoted field or text after a closing quote throws, so sloppy writers fail tests.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let afterQuote = false;
  const endField = () => {
    record.push(field);
    field = '';
    afterQuote = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        afterQuote = true;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endField();
      records.push(record);
      record = [];
      i++;
    } else if (ch === '\n') {
      endField();
      records.push(record);
      record = [];
    } else if (ch === '"') {
      if (field !== '' || afterQuote) throw new Error(`stray quote at ${i}`);
      quoted = true;
    } else {
      if (afterQuote) throw new Error(`text after a closing quote at ${i}`);
      field += ch;
    }
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length) {
    endField();
    records.push(record);
  }
  return records;
}

/** Rows as objects keyed by the header row. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, k) => [h, r[k] ?? ''])));
}
