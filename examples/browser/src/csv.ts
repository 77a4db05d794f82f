/**
 * Reads a dropped `text,label` CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes,
 * CRLF, a byte-order mark). A header row naming `text` and `label` picks those columns; without
 * one, the first column is the text and the second the label. Labels stay as written unless they
 * are all integers (SST-2's 0/1), which become numbers so the model names them Negative/Positive.
 */

/** A training example, as `trainTfidf` takes it (senti-mlops's `LabeledText`). */
export interface LabeledText {
  readonly text: string;
  readonly label: string | number;
}

/** Splits CSV text into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  // Blank lines are not examples.
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

/** The labeled examples of a CSV file; throws a message naming the line when one is unusable. */
export function readLabeledCsv(text: string): LabeledText[] {
  const rows = parseCsv(text);
  const header = rows[0]?.map((name) => name.trim().toLowerCase()) ?? [];
  const hasHeader = header.includes("text") && header.includes("label");
  const textColumn = hasHeader ? header.indexOf("text") : 0;
  const labelColumn = hasHeader ? header.indexOf("label") : 1;
  const body = hasHeader ? rows.slice(1) : rows;
  const examples = body.map((row, i) => {
    const line = i + (hasHeader ? 2 : 1);
    const text = row[textColumn];
    const label = row[labelColumn]?.trim();
    if (text === undefined || label === undefined || label === "") throw new Error(`line ${line}: expected text,label, got ${JSON.stringify(row.join(","))}`);
    return { text, label };
  });
  if (examples.length === 0) throw new Error("the file has no examples: expected a text,label CSV");
  const numeric = examples.every((e) => /^-?\d+$/.test(e.label));
  return examples.map((e) => ({ text: e.text, label: numeric ? Number(e.label) : e.label }));
}

/**
 * Holds out a share of the examples for validation (the run's val_* metrics and plots), chosen by
 * a seeded shuffle so that the same file always gives the same split.
 */
export function splitForValidation(examples: readonly LabeledText[], share = 0.2, seed = 42): { train: LabeledText[]; validation: LabeledText[] } {
  const order = examples.map((_, i) => i);
  let state = seed >>> 0;
  // mulberry32: a small, well-mixed PRNG; Math.random cannot be seeded.
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const held = Math.max(1, Math.round(examples.length * share));
  return { validation: order.slice(0, held).map((i) => examples[i]!), train: order.slice(held).map((i) => examples[i]!) };
}
