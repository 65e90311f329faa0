import { secp256k1 } from "@noble/curves/secp256k1";

/** An ECDSA signature over secp256k1 as Ethereum writes it: r, s (low) and the recovery bit. */
export interface DigestSignature {
  r: bigint;
  s: bigint;
  recovery: number;
}

type Signer = (digest: Uint8Array, key: Uint8Array) => DigestSignature;

// noble, as ethers' SigningKey signs: RFC 6979 nonces, low s.
const nobleSign: Signer = (digest, key) => {
  const { r, s, recovery } = secp256k1.sign(digest, key, { lowS: true });
  return { r, s, recovery: recovery ?? 0 };
};

let sign: Signer = nobleSign;
let fastSign: Signer | undefined;
let loading: Promise<"wasm" | "noble"> | undefined;

/**
 * Signs a 32-byte digest with a 32-byte private key: the same signature as ethers' `SigningKey.sign` (RFC
 * 6979, low s), by libsecp256k1 compiled to WebAssembly (the `tiny-secp256k1` package: about 0.1 ms a
 * signature here, against 0.25 ms for noble) once `loadFastSigner` has loaded it, by noble until then.
 * @example const { r, s, recovery } = signDigest(keccak_256(unsigned), keyBytes);
 */
export function signDigest(digest: Uint8Array, key: Uint8Array): DigestSignature {
  return sign(digest, key);
}

/**
 * Loads the WebAssembly signer in the background (once per process; the send pipeline asks when a client
 * with a key is made). It is used only if it loads and signs a known digest exactly as noble does; where
 * it cannot load (a bundle that left its `.wasm` file behind, a runtime without WebAssembly) noble goes on
 * signing, and nothing else changes.
 * @returns which signer `signDigest` uses from now on
 * @example await loadFastSigner(); // "wasm"
 */
export function loadFastSigner(): Promise<"wasm" | "noble"> {
  loading ??= import("tiny-secp256k1").then(
    (wasm) => {
      const fast: Signer = (digest, key) => {
        const { signature, recoveryId } = wasm.signRecoverable(digest, key);
        return { r: wordOf(signature, 0), s: wordOf(signature, 32), recovery: recoveryId };
      };
      // A known digest and key: the two must agree before the fast one is trusted.
      const digest = new Uint8Array(32).fill(0x5a);
      const key = new Uint8Array(32).fill(0x11);
      const a = fast(digest, key);
      const b = nobleSign(digest, key);
      if (a.r !== b.r || a.s !== b.s || a.recovery !== b.recovery) return "noble";
      fastSign = fast;
      sign = fast;
      return "wasm";
    },
    () => "noble" as const,
  );
  return loading;
}

function wordOf(bytes: Uint8Array, offset: number): bigint {
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset + offset, 32).toString("hex")}`);
}

/**
 * Makes `signDigest` use one signer from now on (for the differential tests: both must sign alike); "wasm"
 * loads it first and gives "noble" when it cannot load.
 * @example await useSigner("noble");
 */
export async function useSigner(kind: "noble" | "wasm"): Promise<"noble" | "wasm"> {
  if (kind === "wasm" && (await loadFastSigner()) === "wasm" && fastSign) {
    sign = fastSign;
    return "wasm";
  }
  sign = nobleSign;
  return "noble";
}
