// Secrets the process knows (private keys, passwords, RPC URL credentials): scrubbed from every message we make.
const knownSecrets = new Set<string>();

/**
 * Remembers a secret so that `redact` removes it from any text. Short strings are ignored: they would
 * blank out ordinary words.
 * @example registerSecret(process.env.ETH_PRIVATE_KEY!)
 */
export function registerSecret(secret: string | undefined | null): void {
  // Anything but text (a caller's wrong argument) is no secret: as a Set entry it would split every message.
  if (typeof secret !== "string" || secret.length < 6) return;
  const add = (text: string) => {
    if (text.length >= 6) knownSecrets.add(text);
  };
  add(secret);
  // The bare form of "0x1234" is "1234": short enough to appear in any hash, so it counts only when long.
  if (secret.startsWith("0x")) add(secret.slice(2));
  else if (/^[0-9a-fA-F]+$/.test(secret)) add(`0x${secret}`);
  add(encodeURIComponent(secret));
}

/**
 * Replaces every registered secret, URL credential (`user:pass@`) and API-key-looking URL path or query
 * in `text` with `***`, and signed raw transactions with a placeholder.
 * @example redact("GET https://u:p@host/v3/0123456789abcdef0123") // "GET https://***@host/v3/***"
 */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join("***");
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1***@");
  // Signed transactions (RLP: typed 0x01–0x04 then a list, or a legacy list) are as good as spent money.
  out = out.replace(/0x(?:0[1-4])?f[89][0-9a-fA-F]{150,}/g, "0x…(signed transaction)");
  out = out.replace(/\b(https?|wss?):\/\/[^\s"'<>]+/gi, (url) => describeUrl(url));
  return out;
}

/**
 * The printable form of an RPC address: scheme, host and port, with credentials and key-like path
 * segments or query values replaced by `***`. IPC paths are returned as they are.
 * @example describeUrl("https://mainnet.example.io/v3/0123456789abcdef0123") // "https://mainnet.example.io/v3/***"
 */
export function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!/^(https?|wss?):$/.test(parsed.protocol)) return url;
  const auth = parsed.username || parsed.password ? "***@" : "";
  const path = parsed.pathname
    .split("/")
    .map((segment) => (looksLikeKey(segment) ? "***" : segment))
    .join("/");
  const query = parsed.search ? "?***" : "";
  return `${parsed.protocol}//${auth}${parsed.host}${path === "/" ? "" : path}${query}`;
}

// API keys in RPC paths are long runs of letters and digits (Infura, Alchemy, QuickNode…).
function looksLikeKey(segment: string): boolean {
  return segment.length >= 16 && /^[A-Za-z0-9_-]+$/.test(segment) && /[0-9]/.test(segment);
}
