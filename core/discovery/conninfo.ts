/**
 * A libpq connection string read by libpq's rules (fe-connect.c), in either
 * of its forms:
 *
 *   key=value pairs   host=db1 port=5432 application_name='eu 1' password=it\'s
 *   a URI             postgresql://user:secret@db1:5432,db2/orders?sslmode=require
 *
 * Values may be single-quoted; a backslash takes the next character as it is,
 * quoted or not; spaces around `=` are skipped. In a URI every part is
 * percent-decoded, several hosts are joined by commas (their ports likewise,
 * one entry per host, empty where none was given), and `ssl=true` means
 * sslmode=require. `requiressl` is the old spelling of sslmode. A key given
 * twice keeps its last value.
 *
 * Keys are not checked against libpq's list: the server's libpq may know keys
 * this one does not, and a string it could not use would show up as a
 * standby that does not stream, which discovery reports anyway.
 *
 * Error messages never quote the string, which may hold a password.
 */

export type ParsedConninfo = { ok: true; options: Map<string, string> } | { ok: false; error: string };

const URI_PREFIXES = ["postgresql://", "postgres://"] as const;

/** C's isspace in the "C" locale. */
const isSpace = (char: string | undefined) => char !== undefined && " \t\n\v\f\r".includes(char);

export function isConninfoUri(text: string): boolean {
  return URI_PREFIXES.some((prefix) => text.startsWith(prefix));
}

export function parseConninfo(text: string): ParsedConninfo {
  return isConninfoUri(text) ? parseUri(text) : parseKeyValues(text);
}

function store(options: Map<string, string>, key: string, value: string): void {
  if (key === "requiressl") options.set("sslmode", value.startsWith("1") ? "require" : "prefer");
  else options.set(key, value);
}

function parseKeyValues(text: string): ParsedConninfo {
  const options = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    if (isSpace(text[at])) {
      at++;
      continue;
    }
    const keyAt = at;
    let key = "";
    while (at < text.length && text[at] !== "=" && !isSpace(text[at])) key += text[at++];
    while (isSpace(text[at])) at++;
    if (text[at] !== "=") return { ok: false, error: `missing "=" after the key at character ${keyAt + 1}` };
    if (!key) return { ok: false, error: `missing a key before the "=" at character ${at + 1}` };
    at++;
    while (isSpace(text[at])) at++;
    let value = "";
    if (text[at] === "'") {
      at++;
      for (;;) {
        if (at >= text.length) return { ok: false, error: `unterminated quoted string in the value of ${key}` };
        const char = text[at]!;
        if (char === "\\") {
          at++;
          if (at < text.length) value += text[at++];
        } else if (char === "'") {
          at++;
          break;
        } else {
          value += char;
          at++;
        }
      }
    } else {
      while (at < text.length && !isSpace(text[at])) {
        if (text[at] === "\\") {
          at++;
          if (at < text.length) value += text[at++];
        } else {
          value += text[at++];
        }
      }
    }
    store(options, key, value);
  }
  return { ok: true, options };
}

class UriError extends Error {}

/** `%xy` decoding over UTF-8 bytes; `%00` and broken escapes are refused. */
function percentDecode(text: string, what: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let at = 0; at < text.length; ) {
    if (text[at] === "%") {
      const hex = text.slice(at + 1, at + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new UriError(`invalid percent-encoded token in the ${what}`);
      const byte = Number.parseInt(hex, 16);
      if (byte === 0) throw new UriError(`forbidden value %00 in the ${what}`);
      bytes.push(byte);
      at += 3;
    } else {
      const codePoint = text.codePointAt(at)!;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(char));
      at += char.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** `postgresql://[user[:password]@][host][:port][,…][/dbname][?key=value&…]`, as conninfo_uri_parse_options walks it. */
function parseUri(text: string): ParsedConninfo {
  const options = new Map<string, string>();
  const prefix = URI_PREFIXES.find((candidate) => text.startsWith(candidate))!;
  const rest = text.slice(prefix.length);
  try {
    let at = 0;
    const credentialsEnd = rest.search(/[@/]/);
    if (credentialsEnd >= 0 && rest[credentialsEnd] === "@") {
      const credentials = rest.slice(0, credentialsEnd);
      const colon = credentials.indexOf(":");
      const user = colon < 0 ? credentials : credentials.slice(0, colon);
      if (user) store(options, "user", percentDecode(user, "user name"));
      if (colon >= 0) {
        const password = credentials.slice(colon + 1);
        if (password) store(options, "password", percentDecode(password, "password"));
      }
      at = credentialsEnd + 1;
    }

    const hosts: string[] = [];
    const ports: string[] = [];
    let terminator: string | undefined;
    for (;;) {
      let host: string;
      if (rest[at] === "[") {
        const close = rest.indexOf("]", at + 1);
        if (close < 0) throw new UriError('end of string reached when looking for the "]" closing an IPv6 host address');
        if (close === at + 1) throw new UriError("IPv6 host address may not be empty");
        host = rest.slice(at + 1, close);
        at = close + 1;
        const next = rest[at];
        if (next !== undefined && !":/?,".includes(next)) throw new UriError(`unexpected character "${next}" after an IPv6 host address (expected ":" or "/")`);
      } else {
        const start = at;
        while (at < rest.length && !":/?,".includes(rest[at]!)) at++;
        host = rest.slice(start, at);
      }
      hosts.push(host);
      terminator = rest[at];
      if (terminator === ":") {
        const start = ++at;
        while (at < rest.length && !"/?,".includes(rest[at]!)) at++;
        ports.push(rest.slice(start, at));
        terminator = rest[at];
      } else {
        ports.push("");
      }
      if (terminator !== ",") break;
      at++;
    }
    const host = hosts.join(",");
    const port = ports.join(",");
    if (host) store(options, "host", percentDecode(host, "host"));
    if (port) store(options, "port", percentDecode(port, "port"));

    if (terminator === "/") {
      const start = ++at;
      while (at < rest.length && rest[at] !== "?") at++;
      const dbname = rest.slice(start, at);
      if (dbname) store(options, "dbname", percentDecode(dbname, "database name"));
      terminator = rest[at];
    }
    if (terminator === "?") parseUriParameters(rest.slice(at + 1), options);
    return { ok: true, options };
  } catch (error) {
    if (error instanceof UriError) return { ok: false, error: error.message };
    throw error;
  }
}

function parseUriParameters(query: string, options: Map<string, string>): void {
  const pairs = query.split("&");
  // libpq stops at the end of the string, so one trailing "&" is harmless.
  if (pairs.at(-1) === "") pairs.pop();
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals < 0) throw new UriError('missing key/value separator "=" in a URI query parameter');
    const rawValue = pair.slice(equals + 1);
    if (rawValue.includes("=")) throw new UriError('extra key/value separator "=" in a URI query parameter');
    const key = percentDecode(pair.slice(0, equals), "query parameter name");
    const value = percentDecode(rawValue, `value of ${key}`);
    if (key === "ssl" && value === "true") store(options, "sslmode", "require");
    else store(options, key, value);
  }
}
