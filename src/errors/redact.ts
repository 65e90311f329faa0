// Secrets the process knows (private keys, passwords, RPC URL credentials): scrubbed from every message we make.
const knownSecrets = new Set<string>();
// The same secrets longest first (a secret that contains another is removed whole); rebuilt after a registration.
let sortedSecrets: string[] | undefined;

/** A private key's shape: 64 hex digits, with or without `0x`. */
export const PRIVATE_KEY_SHAPE = /^(0[xX])?[0-9a-fA-F]{64}$/;

/**
 * Remembers a secret so that `redact` removes it from any text. Short strings are ignored: they would
 * blank out ordinary words. A 64-hex-digit secret (a private key) is also removed with or without `0x`, in
 * lower or upper case, and as the decimal integer it reads as (how an integer argument would echo it).
 * @example registerSecret(process.env.ETH_PRIVATE_KEY!)
 */
export function registerSecret(secret: string | undefined | null): void {
  // Anything but text (a caller's wrong argument) is no secret: as a Set entry it would split every message.
  if (typeof secret !== "string" || secret.length < 6) return;
  const add = (text: string) => {
    if (text.length >= 6 && !knownSecrets.has(text)) {
      knownSecrets.add(text);
      sortedSecrets = undefined;
    }
  };
  add(secret);
  // The bare form of "0x1234" is "1234": short enough to appear in any hash, so it counts only when long.
  if (secret.startsWith("0x")) add(secret.slice(2));
  else if (/^[0-9a-fA-F]+$/.test(secret)) add(`0x${secret}`);
  add(encodeURIComponent(secret));
  const trimmed = secret.trim();
  if (PRIVATE_KEY_SHAPE.test(trimmed)) {
    const hex = trimmed.slice(-64);
    for (const digits of [hex.toLowerCase(), hex.toUpperCase()]) {
      add(digits);
      add(`0x${digits}`);
    }
    const decimal = BigInt(`0x${hex}`).toString();
    // A real key is ~77 digits; a short number (a key-shaped string of zeros) is no secret worth blanking.
    if (decimal.length >= 20) add(decimal);
  }
}

/**
 * Replaces every registered secret, URL credential (`user:pass@`), API-key-looking URL path or query,
 * `Authorization` header value, bearer token and `apikey=`-style value in `text` with `***`, signed raw
 * transactions with a placeholder, and escapes terminal control characters (`ESC` becomes the four
 * characters `\x1b`; newline and tab are kept). Never shortens: see `cleanMessage`.
 * @example redact("GET https://u:p@host/v3/0123456789abcdef0123") // "GET https://***@host/v3/***"
 */
export function redact(text: string): string {
  let out = String(text);
  sortedSecrets ??= [...knownSecrets].sort((a, b) => b.length - a.length);
  for (const secret of sortedSecrets) if (out.includes(secret)) out = out.split(secret).join("***");
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1***@");
  // Signed transactions (RLP: typed 0x01–0x04 then a list, or a legacy list) are as good as spent money.
  out = out.replace(/0x(?:0[1-4])?f[89][0-9a-fA-F]{150,}/g, "0x…(signed transaction)");
  out = out.replace(/\b(https?|wss?):\/\/[^\s"'<>\\]+/gi, (url) => describeUrl(url));
  out = redactCredentialFields(out);
  return escapeControlCharacters(out);
}

// Request headers and parameters a gateway may quote back (an echoing error page, a 500 body, a proxy's log
// line): the values of authorization headers, bearer/basic tokens, and API-key-named fields.
const AUTH_HEADER = /\b((?:proxy-)?authorization)(\\?["']?\s*[:=]\s*\\?["']?)(?:(basic|bearer|digest|token)\s+)?[^\s"'\\,;}&]+/gi;
// "Basic dXNlcjpwYXNz" / "Bearer eyJhbGci…": a token is base64 or JWT-like, unlike the words after "basic" in prose.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]{8,}=*)/g;
const KEY_FIELD =
  /\b(x-api-key|api[-_]?key|api[-_]?token|access[-_]?token|auth[-_]?token|secret[-_]?key|client[-_]?secret|password|passwd)(\\?["']?\s*[:=]\s*\\?["']?)[^\s"'\\,;}&]+/gi;
const KEY_QUERY = /([?&](?:key|token|auth|secret|apikey|api_key|access_token|dkey|pass|password)=)[^\s"'\\&#<>]+/gi;

function redactCredentialFields(text: string): string {
  return text
    .replace(AUTH_HEADER, (_all, name: string, sep: string, scheme?: string) => `${name}${sep}${scheme ? `${scheme} ` : ""}***`)
    .replace(AUTH_SCHEME, (all, scheme: string, space: string, token: string) =>
      /[0-9+/=.]/.test(token) || (/[a-z]/.test(token) && /[A-Z]/.test(token)) ? `${scheme}${space}***` : all,
    )
    .replace(KEY_FIELD, "$1$2***")
    .replace(KEY_QUERY, "$1***");
}

/**
 * Escapes terminal control characters so that text from a node or a contract (a revert reason) cannot
 * move the cursor, recolour or retitle the terminal: C0 controls but newline and tab, DEL, C1 controls,
 * and the Unicode bidirectional overrides, each as `\xNN` or `\uNNNN`.
 * @example escapeControlCharacters("a\u001b[2Jb") // "a\\x1b[2Jb"
 */
function escapeControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** How many characters of a long message are kept (see `cleanMessage`). */
const MESSAGE_KEEP = 500;

/**
 * `redact`, then cuts a long text (a node's 5 MB error page) to its first `keep` characters plus
 * `…(N more characters)`. Text up to `keep + 300` characters is left whole, so a cut message wrapped by
 * another error ("cannot reach …: <cut message>") is not cut twice.
 * @example cleanMessage("x".repeat(5_000_000)) // "xxx…x…(4999500 more characters)"
 */
export function cleanMessage(text: string, keep: number = MESSAGE_KEEP): string {
  const out = redact(text);
  if (out.length <= keep + 300) return out;
  // Never end inside a UTF-16 surrogate pair.
  const end = /[\ud800-\udbff]/.test(out[keep - 1]) ? keep - 1 : keep;
  return `${out.slice(0, end)}…(${out.length - end} more characters)`;
}

/**
 * The printable form of an RPC address: scheme, host and port, with credentials, every path segment (API
 * keys live there: `/v3/<key>`, `/<token>/`) and the query replaced by `***`. Version segments (`v1`,
 * `v3`) stay, as they cannot be keys. IPC paths are returned as they are.
 * @example describeUrl("https://mainnet.example.io/v3/KEYINPATH") // "https://mainnet.example.io/v3/***"
 */
export function describeUrl(url: string): string {
  const scheme = /^(https?|wss?):\/\//i.exec(url)?.[1];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    if (scheme === undefined) return url;
    // Unparsable: show the host part only (never what follows it, nor credentials).
    const rest = url.slice(scheme.length + 3);
    const hostPart = rest.split(/[/?#]/)[0];
    const host = hostPart.includes("@") ? `***@${hostPart.slice(hostPart.lastIndexOf("@") + 1)}` : hostPart;
    return `${scheme.toLowerCase()}://${host}${rest.length > hostPart.length ? "/***" : ""}`;
  }
  if (!/^(https?|wss?):$/.test(parsed.protocol)) return url;
  const auth = parsed.username || parsed.password ? "***@" : "";
  const path = parsed.pathname
    .split("/")
    .map((segment) => (segment === "" || isVersionSegment(segment) ? segment : "***"))
    .join("/");
  const query = parsed.search ? "?***" : "";
  return `${parsed.protocol}//${auth}${parsed.host}${path === "/" ? "" : path}${query}`;
}

/** `v1`, `v2`, `v3`…: API version path segments, never keys. */
export function isVersionSegment(segment: string): boolean {
  return /^v\d{1,2}$/i.test(segment);
}
