/**
 * MLflow's scoring-server input formats (`mlflow models serve`, `POST /invocations`), read into the
 * list of texts to classify: JSON with exactly one of `dataframe_split`, `dataframe_records`,
 * `instances` or `inputs` (and an optional `params` object), or `text/csv` with a header row. The
 * text column is `text` (the logged model's signature), or the only column there is.
 *
 * @module
 */
import { ServiceError } from "./service-error.js";
import { typeName, type RequestLimits } from "./schemas.js";

const FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;
const LLM_KEYS = ["messages", "prompt", "input"];
const TEXT_COLUMN = "text";

function bad(message: string): ServiceError {
  return new ServiceError("BAD_REQUEST", message);
}

function checkTexts(values: unknown[], where: (i: number) => string, limits: RequestLimits): string[] {
  if (values.length === 0) throw bad("the input has no rows");
  if (values.length > limits.maxReviews) throw bad(`the input has ${values.length} rows; at most ${limits.maxReviews} are allowed (MAX_REVIEWS)`);
  values.forEach((v, i) => {
    if (typeof v !== "string") throw bad(`${where(i)} must be a string, got ${typeName(v)}`);
    if (v.length > limits.maxReviewChars) {
      throw bad(`${where(i)} has ${v.length} characters; at most ${limits.maxReviewChars} are allowed (MAX_REVIEW_CHARS)`);
    }
  });
  return values as string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textColumnOf(columns: readonly string[], where: string): number {
  const index = columns.indexOf(TEXT_COLUMN);
  if (index >= 0) return index;
  if (columns.length === 1) return 0;
  throw bad(`${where} must have a "${TEXT_COLUMN}" column (or exactly one column), got ${columns.length} columns`);
}

function rowsOfRecords(rows: unknown, field: string, limits: RequestLimits): string[] {
  if (!Array.isArray(rows)) throw bad(`${field} must be an array, got ${typeName(rows)}`);
  if (rows.length > limits.maxReviews) throw bad(`the input has ${rows.length} rows; at most ${limits.maxReviews} are allowed (MAX_REVIEWS)`);
  const values = rows.map((row, i) => {
    if (typeof row === "string" && field !== "dataframe_records") return row;
    if (!isRecord(row)) throw bad(`${field}[${i}] must be an object${field === "dataframe_records" ? "" : " or a string"}, got ${typeName(row)}`);
    const keys = Object.keys(row);
    const key = keys.includes(TEXT_COLUMN) ? TEXT_COLUMN : keys.length === 1 ? keys[0]! : null;
    if (key === null) throw bad(`${field}[${i}] must have a "${TEXT_COLUMN}" field (or exactly one field)`);
    return row[key];
  });
  return checkTexts(values, (i) => `${field}[${i}]`, limits);
}

/**
 * The texts of a JSON scoring request.
 *
 * @throws {ServiceError} 400 `BAD_REQUEST` naming the field, as MLflow's scoring server answers.
 *
 * @example
 * ```ts
 * textsFromScoringJson({ dataframe_split: { columns: ["text"], data: [["Great!"]] } }, limits); // ["Great!"]
 * textsFromScoringJson({ inputs: ["Great!", "Awful."] }, limits); // ["Great!", "Awful."]
 * ```
 */
export function textsFromScoringJson(body: unknown, limits: RequestLimits): string[] {
  if (Array.isArray(body)) {
    throw bad(
      "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}. " +
        "Received a list: the scoring protocol changed in MLflow 2.0; wrap the rows in one of these fields.",
    );
  }
  if (!isRecord(body)) throw bad(`The input must be a JSON dictionary, got ${typeName(body)}`);
  const keys = Object.keys(body);
  if (keys.some((k) => LLM_KEYS.includes(k))) throw bad(`this model takes no chat or completion input (${LLM_KEYS.join(", ")}); send one of ${FORMATS.join(", ")}`);
  const present = FORMATS.filter((f) => f in body);
  const unknown = keys.filter((k) => !(FORMATS as readonly string[]).includes(k) && k !== "params");
  if (present.length !== 1 || unknown.length > 0) {
    const got = keys.length ? keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ") : "no fields";
    throw bad(`The input must be a JSON dictionary with exactly one of the input fields {${FORMATS.map((f) => `'${f}'`).join(", ")}} (and optionally 'params'); got ${got}`);
  }
  if ("params" in body && !isRecord(body.params)) throw bad(`params must be an object, got ${typeName(body.params)}`);
  const format = present[0]!;
  const value = body[format];
  switch (format) {
    case "dataframe_split": {
      if (!isRecord(value)) throw bad(`dataframe_split must be an object {columns, data}, got ${typeName(value)}`);
      const { columns, data } = value;
      if (!Array.isArray(data)) throw bad(`dataframe_split.data must be an array of rows, got ${typeName(data)}`);
      if (data.length > limits.maxReviews) throw bad(`the input has ${data.length} rows; at most ${limits.maxReviews} are allowed (MAX_REVIEWS)`);
      let names: string[];
      if (columns === undefined) names = [TEXT_COLUMN];
      else if (Array.isArray(columns) && columns.every((c) => typeof c === "string")) names = columns as string[];
      else throw bad(`dataframe_split.columns must be an array of strings`);
      const column = textColumnOf(names, "dataframe_split");
      const values = data.map((row, i) => {
        if (!Array.isArray(row)) {
          if (names.length === 1) return row;
          throw bad(`dataframe_split.data[${i}] must be an array, got ${typeName(row)}`);
        }
        if (row.length !== names.length) throw bad(`dataframe_split.data[${i}] has ${row.length} values for ${names.length} columns`);
        return row[column];
      });
      return checkTexts(values, (i) => `dataframe_split.data[${i}][${column}]`, limits);
    }
    case "dataframe_records":
    case "instances":
      return rowsOfRecords(value, format, limits);
    case "inputs": {
      if (typeof value === "string") return checkTexts([value], () => "inputs", limits);
      if (Array.isArray(value)) return rowsOfRecords(value, "inputs", limits);
      if (isRecord(value)) {
        const keys = Object.keys(value);
        const key = keys.includes(TEXT_COLUMN) ? TEXT_COLUMN : keys.length === 1 ? keys[0]! : null;
        if (key === null) throw bad(`inputs must have a "${TEXT_COLUMN}" column (or exactly one column)`);
        const column = value[key];
        if (!Array.isArray(column)) return checkTexts([column], () => `inputs.${key}`, limits);
        if (column.length > limits.maxReviews) throw bad(`the input has ${column.length} rows; at most ${limits.maxReviews} are allowed (MAX_REVIEWS)`);
        return checkTexts(column, (i) => `inputs.${key}[${i}]`, limits);
      }
      throw bad(`inputs must be an array, an object of columns or a string, got ${typeName(value)}`);
    }
  }
}

/**
 * Splits CSV text (RFC 4180: quoted fields, `""` escapes, CRLF or LF, an optional BOM) into rows,
 * stopping with an error after `maxRows` data rows. Blank lines are skipped, as pandas does.
 *
 * @example
 * ```ts
 * parseCsv('text\n"Great, really"\n', 10); // [["text"], ["Great, really"]]
 * ```
 */
export function parseCsv(text: string, maxRows: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0] === "" && !fieldStarted)) {
      rows.push(row);
      if (rows.length > maxRows + 1) throw bad(`the input has more than ${maxRows} rows; at most ${maxRows} are allowed (MAX_REVIEWS)`);
    }
    row = [];
    field = "";
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') {
      if (field !== "") throw bad(`CSV: a quote inside an unquoted field (row ${rows.length + 1})`);
      quoted = true;
      fieldStarted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
      fieldStarted = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw bad("CSV: a quoted field is not closed");
  if (field !== "" || row.length > 0 || fieldStarted) endRow();
  return rows;
}

/**
 * The texts of a `text/csv` scoring request: a header row, then one row per text.
 *
 * @example
 * ```ts
 * textsFromCsv("text\nGreat!\nAwful.\n", limits); // ["Great!", "Awful."]
 * ```
 */
export function textsFromCsv(text: string, limits: RequestLimits): string[] {
  const rows = parseCsv(text, limits.maxReviews);
  if (rows.length === 0) throw bad("CSV input is empty; send a header row and one row per text");
  const [header, ...data] = rows;
  const column = textColumnOf(header!, "CSV input");
  const values = data.map((row, i) => {
    if (row.length !== header!.length) throw bad(`CSV row ${i + 2} has ${row.length} fields for ${header!.length} columns`);
    return row[column];
  });
  return checkTexts(values, (i) => `CSV row ${i + 2}`, limits);
}
