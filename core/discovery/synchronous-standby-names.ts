/**
 * synchronous_standby_names read the way PostgreSQL reads it
 * (syncrep_scanner.l, syncrep_gram.y, syncrep.c), so that discovery calls a
 * standby synchronous exactly when the primary would:
 *
 *   FIRST n (a, b, …)   priority: the first n streaming standbys in list order
 *   n (a, b, …)         the same, the form before PostgreSQL 10
 *   a, b, …             the same with n = 1
 *   ANY n (a, b, …)     quorum: any n of them
 *
 * Names are identifiers (letters, `_`, bytes above 127, then also digits and
 * `$`), digit strings, double-quoted strings (`""` is a quote) or `*`, which
 * matches every standby. ANY and FIRST are keywords in any case, so a
 * standby called "any" must be quoted. Matching ignores ASCII case, quoted or
 * not.
 */

export interface SynchronousStandbyConfig {
  method: "priority" | "quorum";
  /** How many standbys must confirm each commit. */
  count: number;
  /** In the order written; the position is the priority (1 first). */
  names: string[];
}

export type ParsedStandbyNames = { ok: true; config: SynchronousStandbyConfig | null } | { ok: false; error: string };

type Token =
  | { kind: "name"; text: string; raw: string }
  | { kind: "num"; text: string; raw: string }
  | { kind: "any" | "first" | "," | "(" | ")"; raw: string }
  | { kind: "junk"; raw: string }
  | { kind: "end"; raw: "" };

const SPACE = /[ \t\n\r\f\v]/;
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z_0-9$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

function tokenize(text: string): Token[] | { error: string } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    if (SPACE.test(char)) {
      at++;
    } else if (IDENT_START.test(char)) {
      let end = at + 1;
      while (end < text.length && IDENT_CONT.test(text[end]!)) end++;
      const raw = text.slice(at, end);
      const lower = raw.toLowerCase();
      tokens.push(lower === "any" || lower === "first" ? { kind: lower, raw } : { kind: "name", text: raw, raw });
      at = end;
    } else if (DIGIT.test(char)) {
      let end = at + 1;
      while (end < text.length && DIGIT.test(text[end]!)) end++;
      const raw = text.slice(at, end);
      tokens.push({ kind: "num", text: raw, raw });
      at = end;
    } else if (char === '"') {
      let name = "";
      let end = at + 1;
      for (;;) {
        if (end >= text.length) return { error: "unterminated quoted identifier" };
        if (text[end] === '"') {
          if (text[end + 1] === '"') {
            name += '"';
            end += 2;
            continue;
          }
          break;
        }
        name += text[end];
        end++;
      }
      tokens.push({ kind: "name", text: name, raw: text.slice(at, end + 1) });
      at = end + 1;
    } else if (char === "*") {
      tokens.push({ kind: "name", text: "*", raw: "*" });
      at++;
    } else if (char === "," || char === "(" || char === ")") {
      tokens.push({ kind: char, raw: char });
      at++;
    } else {
      tokens.push({ kind: "junk", raw: char });
      at++;
    }
  }
  tokens.push({ kind: "end", raw: "" });
  return tokens;
}

class GrammarError extends Error {}

function syntaxError(token: Token): GrammarError {
  return new GrammarError(token.kind === "end" ? "syntax error at end of input" : `syntax error at or near "${token.raw}"`);
}

/** Recursive descent over the grammar's four forms; throws GrammarError. */
function parseTokens(tokens: Token[]): SynchronousStandbyConfig {
  let at = 0;
  const peek = (offset = 0) => tokens[Math.min(at + offset, tokens.length - 1)]!;
  const take = <K extends Token["kind"]>(kind: K): Extract<Token, { kind: K }> => {
    const token = peek();
    if (token.kind !== kind) throw syntaxError(token);
    at++;
    return token as Extract<Token, { kind: K }>;
  };
  const list = (): string[] => {
    const names: string[] = [];
    for (;;) {
      const token = peek();
      if (token.kind !== "name" && token.kind !== "num") throw syntaxError(token);
      names.push(token.text);
      at++;
      if (peek().kind !== ",") return names;
      at++;
    }
  };
  const counted = (method: SynchronousStandbyConfig["method"]): SynchronousStandbyConfig => {
    const count = take("num").text;
    take("(");
    const names = list();
    take(")");
    return { method, count: Number(count), names };
  };

  let config: SynchronousStandbyConfig;
  const first = peek();
  if (first.kind === "any" || first.kind === "first") {
    at++;
    config = counted(first.kind === "any" ? "quorum" : "priority");
  } else if (first.kind === "num" && peek(1).kind === "(") {
    config = counted("priority");
  } else {
    config = { method: "priority", count: 1, names: list() };
  }
  take("end");
  return config;
}

export function parseSynchronousStandbyNames(value: string): ParsedStandbyNames {
  // An empty setting turns synchronous replication off; PostgreSQL checks the very first byte.
  if (value === "") return { ok: true, config: null };
  const tokens = tokenize(value);
  if (!Array.isArray(tokens)) return { ok: false, error: tokens.error };
  try {
    const config = parseTokens(tokens);
    if (!Number.isSafeInteger(config.count) || config.count > 2 ** 31 - 1) return { ok: false, error: `number of synchronous standbys (${config.count}) is out of range` };
    if (config.count <= 0) return { ok: false, error: `number of synchronous standbys (${config.count}) must be greater than zero` };
    return { ok: true, config };
  } catch (error) {
    if (error instanceof GrammarError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * The form under which PostgreSQL compares standby names (pg_strcasecmp):
 * ASCII letters fold to lower case, nothing else does.
 */
export function foldStandbyName(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * A standby's priority: the position of the first entry naming it (or `*`),
 * 1-based; 0 when no entry does, which makes it asynchronous.
 */
export function standbyPriority(config: SynchronousStandbyConfig | null, applicationName: string): number {
  if (!config) return 0;
  const wanted = foldStandbyName(applicationName);
  const index = config.names.findIndex((name) => name === "*" || foldStandbyName(name) === wanted);
  return index + 1;
}

/** The names listed that match no application name given (never `*`). */
export function unmatchedNames(config: SynchronousStandbyConfig | null, applicationNames: readonly string[]): string[] {
  if (!config) return [];
  const present = new Set(applicationNames.map(foldStandbyName));
  return config.names.filter((name) => name !== "*" && !present.has(foldStandbyName(name)));
}
