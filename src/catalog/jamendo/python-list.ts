/**
 * Parses a Python list-of-strings literal as pandas wrote it into the prototype's CSVs:
 * `['chillout', 'lounge']`, `["rock'n'roll"]`, `[]`. Returns undefined when the text is not one.
 */
export function parsePythonStringList(text: string): string[] | undefined {
  const s = text.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return undefined;
  const items: string[] = [];
  let i = 1;
  const end = s.length - 1;
  const skipSpace = () => {
    while (i < end && /\s/.test(s[i]!)) i++;
  };
  skipSpace();
  if (i === end) return items;
  for (;;) {
    skipSpace();
    const quote = s[i];
    if (quote !== "'" && quote !== '"') return undefined;
    i++;
    let item = '';
    for (;;) {
      if (i >= end) return undefined; // unterminated string
      const c = s[i]!;
      if (c === '\\') {
        const next = s[i + 1];
        if (next === undefined || i + 1 >= end) return undefined;
        item += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
        continue;
      }
      i++;
      if (c === quote) break;
      item += c;
    }
    items.push(item);
    skipSpace();
    if (i === end) return items;
    if (s[i] !== ',') return undefined;
    i++;
    skipSpace();
    if (i === end) return items; // trailing comma, as Python allows
  }
}
