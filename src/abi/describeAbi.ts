import type { ErrorFragment, EventFragment, FunctionFragment, Interface, ParamType } from "ethers";
import { Fragment } from "./ethersAbi.js";

/** One parameter: its name, its canonical type (`(uint64,string)[]` for an array of structs), struct fields. */
export interface AbiParamDescription {
  name: string;
  type: string;
  /** The Solidity type name when the ABI file gives one (`Echo.Item[]`, `Token.Kind`), else `type`. */
  displayType: string;
  indexed?: boolean;
  components?: AbiParamDescription[];
}

/** A function, event or error with its selector (topic for an event) and readable declaration. */
export interface AbiEntryDescription {
  name: string;
  /** The canonical signature the selector hashes, e.g. `transfer(address,uint256)`. */
  signature: string;
  /** 4-byte selector of a function or an error; 32-byte topic 0 of an event. */
  selector: string;
  /** With names and struct names, e.g. `transfer(address to, uint256 amount) returns (bool)`. */
  declaration: string;
  inputs: AbiParamDescription[];
  outputs?: AbiParamDescription[];
  stateMutability?: string;
  anonymous?: boolean;
}

/** A struct named by the ABI file's `internalType`s, with its fields. */
export interface AbiStructDescription {
  name: string;
  /** The canonical tuple type, e.g. `(uint64,string,bytes32[])`. */
  type: string;
  fields: AbiParamDescription[];
}

/** What `describeAbi` returns: each kind sorted by signature. */
export interface DescribeAbiReturnType {
  constructor: { declaration: string; inputs: AbiParamDescription[]; stateMutability: string } | null;
  functions: AbiEntryDescription[];
  events: AbiEntryDescription[];
  errors: AbiEntryDescription[];
  structs: AbiStructDescription[];
}

/** A parameter as written in an ABI file. */
interface JsonParam {
  name?: string;
  type?: string;
  internalType?: string;
  components?: JsonParam[];
}

/**
 * Lists an ABI's functions, events and errors with their selectors (event topics), canonical signatures
 * and declarations, as `cast sig`/`sig-event` would compute them. `json` (the ABI file's own entries)
 * supplies struct and enum names (`internalType`), which a parsed `Interface` no longer has.
 * @example describeAbi(contract.abi, contract.json).functions[0] // { name: "getYear", selector: "0xfd08921b", … }
 */
export function describeAbi(abi: Interface, json: readonly unknown[] = []): DescribeAbiReturnType {
  const originals = indexJsonEntries(json);
  const structs = new Map<string, AbiStructDescription>();
  const describe = (p: ParamType, original?: JsonParam): AbiParamDescription => describeParam(p, original, structs);
  const entry = (kind: string, f: FunctionFragment | EventFragment | ErrorFragment) => {
    const signature = f.format("sighash");
    const original = originals.get(`${kind} ${signature}`);
    const inputs = f.inputs.map((p, i) => describe(p, original?.inputs?.[i]));
    return { signature, original, inputs };
  };
  const functions: AbiEntryDescription[] = [];
  abi.forEachFunction((f) => {
    const { signature, original, inputs } = entry("function", f);
    const outputs = f.outputs.map((p, i) => describe(p, original?.outputs?.[i]));
    const mutability = f.stateMutability === "nonpayable" ? "" : ` ${f.stateMutability}`;
    const returns = outputs.length ? ` returns (${declare(outputs)})` : "";
    functions.push({
      name: f.name,
      signature,
      selector: f.selector,
      declaration: `${f.name}(${declare(inputs)})${mutability}${returns}`,
      inputs,
      outputs,
      stateMutability: f.stateMutability,
    });
  });
  const events: AbiEntryDescription[] = [];
  abi.forEachEvent((e) => {
    const { signature, inputs } = entry("event", e);
    events.push({
      name: e.name,
      signature,
      selector: e.topicHash,
      declaration: `${e.name}(${declare(inputs)})${e.anonymous ? " anonymous" : ""}`,
      inputs,
      anonymous: e.anonymous,
    });
  });
  const errors: AbiEntryDescription[] = [];
  abi.forEachError((e) => {
    const { signature, inputs } = entry("error", e);
    errors.push({ name: e.name, signature, selector: e.selector, declaration: `${e.name}(${declare(inputs)})`, inputs });
  });
  const deploy = abi.deploy;
  const deployInputs = deploy.inputs.map((p, i) => describe(p, originals.get("constructor")?.inputs?.[i]));
  const bySignature = (a: { signature?: string; name: string }, b: { signature?: string; name: string }) =>
    compare(a.signature ?? a.name, b.signature ?? b.name);
  return {
    constructor:
      deployInputs.length || deploy.payable
        ? {
            declaration: `constructor(${declare(deployInputs)})${deploy.payable ? " payable" : ""}`,
            inputs: deployInputs,
            stateMutability: deploy.payable ? "payable" : "nonpayable",
          }
        : null,
    functions: functions.sort(bySignature),
    events: events.sort(bySignature),
    errors: errors.sort(bySignature),
    structs: [...structs.values()].sort((a, b) => compare(a.name, b.name)),
  };
}

function describeParam(p: ParamType, original: JsonParam | undefined, structs: Map<string, AbiStructDescription>): AbiParamDescription {
  const type = p.format("sighash");
  const named = /^(struct|enum|contract) (.+)$/.exec(original?.internalType ?? "");
  // Contract types stay `address`: that is what a caller passes.
  const displayType = named && named[1] !== "contract" ? named[2] : type;
  const out: AbiParamDescription = { name: p.name, type, displayType };
  if (typeof p.indexed === "boolean") out.indexed = p.indexed;
  let struct = p;
  while (struct.isArray()) struct = struct.arrayChildren;
  if (struct.isTuple()) {
    out.components = struct.components.map((c, i) => describeParam(c, original?.components?.[i], structs));
    if (named?.[1] === "struct") {
      const name = named[2].replace(/(\[\d*\])+$/, "");
      if (!structs.has(name)) structs.set(name, { name, type: struct.format("sighash"), fields: out.components });
    }
  }
  return out;
}

// "function f(uint256)", "event E(address)", "error X()" and "constructor" → the ABI file's own entry.
function indexJsonEntries(json: readonly unknown[]): Map<string, { inputs?: JsonParam[]; outputs?: JsonParam[] }> {
  const out = new Map<string, { inputs?: JsonParam[]; outputs?: JsonParam[] }>();
  for (const item of json) {
    const e = item as { type?: string; inputs?: JsonParam[]; outputs?: JsonParam[] };
    try {
      if (e.type === "constructor") out.set("constructor", e);
      else if (e.type === "function" || e.type === "event" || e.type === "error")
        out.set(`${e.type} ${Fragment.from(item as object).format("sighash")}`, e);
    } catch {
      // An entry ethers could not parse is not in the Interface either.
    }
  }
  return out;
}

function declare(params: readonly AbiParamDescription[]): string {
  return params.map((p) => [p.displayType, p.indexed ? "indexed" : "", p.name].filter(Boolean).join(" ")).join(", ");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
