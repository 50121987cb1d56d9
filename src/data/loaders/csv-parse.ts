/**
 * CSV text to records (RFC 4180): fields separated by a delimiter, optionally wrapped in quotes;
 * a quoted field may hold delimiters, line breaks and doubled quotes (`""` for `"`). Lines end in LF,
 * CRLF or CR. As in Python's csv module and pandas, a quote inside an unquoted field is an ordinary
 * character; text after a closing quote (other than spaces) is an error, since it almost always
 * means an inner quote was not doubled.
 */

export interface CsvParseOptions {
  /** Field separator, one character (default ','). */
  delimiter?: string;
  /** Quote character (default '"'). */
  quote?: string;
  /** Lines starting with this character are skipped (default: none). */
  comment?: string;
  /** Skip lines with nothing on them (default true). */
  skipEmptyLines?: boolean;
}

/** One record: its fields and the (1-based) line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

function checkChar(op: string, name: string, c: string | undefined, fallback: string | null): string | null {
  if (c === undefined) return fallback;
  if (typeof c !== 'string' || c.length !== 1 || c === '\n' || c === '\r') {
    throw new Error(`${op}: ${name} must be a single character other than a line break, got ${JSON.stringify(c)}`);
  }
  return c;
}

/**
 * Splits CSV text into records. Errors name the line and column, e.g.
 * `parseCsv: line 4, column 2: unterminated quoted field`.
 *
 * ```ts
 * parseCsv('a,b\n1,"x, ""y"""\n'); // [{ fields: ['a', 'b'], line: 1 }, { fields: ['1', 'x, "y"'], line: 2 }]
 * ```
 */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvRecord[] {
  const op = 'parseCsv';
  if (typeof text !== 'string') throw new Error(`${op}: expected the CSV text as a string, got ${typeof text}`);
  const delimiter = checkChar(op, 'delimiter', options.delimiter, ',')!;
  const quote = checkChar(op, 'quote', options.quote, '"')!;
  const comment = checkChar(op, 'comment', options.comment, null);
  if (delimiter === quote) throw new Error(`${op}: delimiter and quote must differ, both are ${JSON.stringify(delimiter)}`);
  const skipEmpty = options.skipEmptyLines ?? true;

  const records: CsvRecord[] = [];
  const n = text.length;
  const delimiterCode = delimiter.charCodeAt(0);
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let firstQuoted = false; // the record's first field was quoted (so a lone "" is not an empty line)
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not data

  const endRecord = (): void => {
    if (!(skipEmpty && fields.length === 1 && fields[0] === '' && !firstQuoted)) records.push({ fields, line: recordLine });
    fields = [];
  };

  // Each pass reads one field, then the delimiter or line break after it.
  while (i < n) {
    if (fields.length === 0) {
      recordLine = line;
      firstQuoted = false;
      if (comment !== null && text[i] === comment) {
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        continue;
      }
    }
    if (text[i] === quote) {
      const quoteLine = line;
      if (fields.length === 0) firstQuoted = true;
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf(quote, i);
        if (close < 0) throw new Error(`${op}: line ${quoteLine}, column ${fields.length + 1}: unterminated quoted field (no closing ${quote} before the end of the text)`);
        const chunk = text.slice(i, close);
        value += chunk;
        line += lineBreaks(chunk);
        if (text[close + 1] === quote) {
          value += quote;
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        throw new Error(`${op}: line ${line}, column ${fields.length + 1}: unexpected ${JSON.stringify(text[i])} after the closing quote of a quoted field (a quote inside a quoted field must be doubled: "")`);
      }
      fields.push(value);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delimiterCode || c === 10 || c === 13) break;
        j++;
      }
      fields.push(text.slice(i, j));
      i = j;
    }
    if (i >= n) break;
    if (text.charCodeAt(i) === delimiterCode) {
      i++;
      if (i >= n) fields.push(''); // a trailing delimiter ends with an empty field
      continue;
    }
    endRecord();
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
  }
  if (fields.length > 0) endRecord();
  return records;
}

/** Line breaks in a quoted chunk (LF, CRLF and lone CR each count once). */
function lineBreaks(chunk: string): number {
  let count = 0;
  for (let k = 0; k < chunk.length; k++) {
    const c = chunk.charCodeAt(k);
    if (c === 10 || (c === 13 && chunk.charCodeAt(k + 1) !== 10)) count++;
  }
  return count;
}
