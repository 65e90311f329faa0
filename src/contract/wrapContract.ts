import {
  BaseContract,
  type ContractRunner,
  ContractTransactionResponse,
  type FunctionFragment,
  type Interface,
  isCallException,
  type Provider,
  type TransactionRequest,
  type TransactionResponse,
} from "ethers";
import { LEAN_CALL, type LeanCallRunner } from "../client/createProvider.js";
import { assertArgument } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { boundBindingWait } from "../tx/buildResponse.js";
import { ADDRESS_PATTERN, readAddress } from "../utils/address.js";
import { type ArgumentGuard, booleanGuard } from "./booleanGuard.js";
import { cacheSelectors } from "./cacheSelectors.js";
import { compileLeanRead, compileLeanSend, type LeanRead, type LeanSend, NOT_LEAN, toBigint } from "./compileLeanRead.js";
import { type BindingCall, diagnoseArguments, toBindingError, toBindingErrorSync } from "./toBindingError.js";

// Marks a wrapped contract, so wrapping twice returns the same wrapper.
const WRAPPED = Symbol.for("chaincall.wrappedContract");

// What a contract has of its own besides the prototype's methods: these names are never contract methods
// (ethers gives them precedence too), and "then" is never one, so a contract is not taken for a promise.
const OWN_MEMBERS = new Set(["target", "interface", "runner", "filters", "fallback", "then"]);

// The method forms every binding method carries (TypeChain's TypedContractMethod).
const ASYNC_FORMS = ["staticCall", "staticCallResult", "send", "estimateGas", "populateTransaction"] as const;

// BaseContract methods whose rejections are translated too (the rest return no promise or are listeners).
const MAPPED_MEMBERS = new Set(["getAddress", "getDeployedCode", "waitForDeployment", "queryFilter"]);

type Method = ((...args: unknown[]) => Promise<unknown>) & Record<string, unknown>;

/**
 * Wraps an ethers contract (a TypeChain binding) so that every failure of its methods is a `ChaincallError`:
 * a bad argument is `INVALID_ARGUMENT` naming the function and the parameter (its name, type and index) —
 * thrown before anything is sent; a call to an address without code is `NO_CONTRACT`; a revert decodes the
 * custom errors of the binding's own ABI. Every method form is covered: `c.f(…)`, `c.f.staticCall`,
 * `send`, `estimateGas`, `populateTransaction`, `staticCallResult`, `c.getFunction(name)`, and
 * `c.connect(runner)` / `c.attach(address)` return wrapped contracts. Types, values and results are
 * ethers' own. Bindings made by `chaincall gen` are wrapped already: their factories' `connect` and
 * `deploy` call this.
 *
 * Stricter than ethers in one place: where the ABI says `bool`, only a boolean is accepted (ethers would
 * encode `"false"` as true).
 * Faster in two: the selectors of the contract's own functions are computed once (see `cacheSelectors`), and
 * a plain call of a view/pure function of static types (`c.getYear()`, `c.balanceOf(addr)`: no overrides,
 * name not overloaded) is encoded and decoded by coders built once per function (see `compileLeanRead`) and
 * goes straight to the batcher of a chaincall provider; anything else takes ethers' own method, so results
 * and errors are the same either way.
 *
 * @param contract an ethers v6 contract, e.g. `new Contract(address, abi, runner)`
 * @returns the same contract, behind a wrapper (the methods are built once per name, not per access)
 * @throws ChaincallError `INVALID_ARGUMENT` when `contract` is not an ethers contract
 * @example
 * const demo = wrapContract(new Contract(address, CallDemo__factory.abi, client.runner)) as unknown as CallDemo;
 * await demo.setYear("abc"); // ChaincallError INVALID_ARGUMENT: setYear(uint256) argument 0 "newYear" (uint256) must be …
 */
export function wrapContract<T extends BaseContract>(contract: T): T {
  const c = contract as unknown as { getFunction?: unknown; interface?: { getFunction?: unknown }; [WRAPPED]?: boolean } | null;
  const ok = typeof c === "object" && c !== null && typeof c.getFunction === "function" && typeof c.interface?.getFunction === "function";
  assertArgument(ok, "contract", "an ethers contract (a TypeChain binding)", contract);
  if (c[WRAPPED] === true) return contract;
  const handler = new ContractWrapper(contract);
  handler.proxy = new Proxy(contract, handler);
  return handler.proxy;
}

// The one hook between generated factories and ethers' Contract: the lean read path (issue 14) answers plain
// view calls itself (readLean) and hands everything else to ethers' methods, wrapped below.

/** The Proxy handler of one wrapped contract: its methods, built on first use and kept. */
class ContractWrapper<T extends BaseContract> implements ProxyHandler<T> {
  private readonly iface: Interface;
  private readonly methods = new Map<string, unknown>();
  private readonly functionKeys = new Set<string>();
  private readonly address: string | undefined;
  // The target checksummed, when it is a valid address: what the lean read path sends to (else it stays off).
  private readonly leanTarget: string | undefined;
  /** The wrapped contract (this handler's Proxy): what `waitForDeployment` returns and `_contract` is. */
  proxy!: T;

  constructor(private readonly contract: T) {
    this.iface = contract.interface;
    cacheSelectors(this.iface);
    this.iface.forEachFunction((f) => {
      // Names and full signatures, as ethers' own Proxy answers them.
      for (const key of [f.name, f.format("sighash")]) if (!isMember(key)) this.functionKeys.add(key);
    });
    const target = contract.target;
    this.address = typeof target === "string" && ADDRESS_PATTERN.test(target) ? target : undefined;
    const reading = readAddress(target);
    this.leanTarget = reading.ok ? reading.address : undefined;
  }

  get(target: T, prop: string | symbol, receiver: unknown): unknown {
    if (typeof prop === "string") {
      const known = this.methods.get(prop);
      if (known !== undefined) return known;
      let made: unknown;
      if (this.functionKeys.has(prop)) made = this.wrapMethod(prop);
      else if (prop === "connect" || prop === "attach") made = this.wrapRebinding(prop);
      else if (prop === "getFunction") made = (key: unknown) => this.getFunction(key);
      else if (MAPPED_MEMBERS.has(prop)) made = this.wrapMember(prop);
      else if (prop === "fallback") made = this.wrapFallback() ?? null;
      if (made !== undefined) {
        this.methods.set(prop, made);
        return made;
      }
    } else if (prop === WRAPPED) {
      return true;
    }
    return Reflect.get(target, prop, receiver);
  }

  private getFunction(key: unknown): unknown {
    let name: string;
    try {
      name = typeof key === "string" ? key : (key as { format(): string }).format();
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", "getFunction takes a function name, signature or fragment", { cause: err });
    }
    const known = this.methods.get(name);
    if (known !== undefined && this.functionKeys.has(name)) return known;
    const made = this.wrapMethod(name);
    if (this.functionKeys.has(name)) this.methods.set(name, made);
    return made;
  }

  private bindingCall(key: string, args: readonly unknown[]): BindingCall {
    return { iface: this.iface, key, args, runner: this.contract.runner as ContractRunner | null, address: this.address };
  }

  /** One contract method and its forms, each translating its failures; built once per name. */
  private wrapMethod(key: string): Method {
    let raw: Method;
    try {
      raw = this.contract.getFunction(key) as unknown as Method;
    } catch (err) {
      // ethers refuses a name its ABI lacks here, before any call.
      throw toBindingErrorSync(err, this.bindingCall(key, [])) ?? toChaincallError(err);
    }
    const guard: ArgumentGuard | null = booleanGuard(this.iface, key);
    const refuse = (args: readonly unknown[]): ChaincallError | undefined =>
      guard?.(args) ? diagnoseArguments(this.bindingCall(key, args)) : undefined;
    const fail = (args: readonly unknown[]) => async (err: unknown) => {
      throw await toBindingError(err, this.bindingCall(key, args));
    };
    // A send's response waits through the bounded waitForReceipt (see boundBindingWait).
    const bounded = (result: unknown) => boundBindingWait(result, this.iface, this.contract.runner);
    const wrapForm =
      (form: (...args: unknown[]) => Promise<unknown>) =>
      (...args: unknown[]): Promise<unknown> => {
        const refused = refuse(args);
        if (refused) return Promise.reject(refused);
        return form(...args).then(bounded, fail(args));
      };
    const lean = this.leanOf(key);
    const wrapped = wrapForm(raw);
    let method = wrapped as Method;
    if (lean?.read) {
      const read = lean.read;
      method = ((...args: unknown[]) => this.readLean(read, lean.fragment, args, fail(args)) ?? wrapped(...args)) as Method;
    } else if (lean?.send) {
      const send = lean.send;
      const inputs = lean.fragment.inputs.length;
      method = ((...args: unknown[]) => this.sendLean(send, inputs, args, bounded, fail(args)) ?? wrapped(...args)) as Method;
    }
    const forms: PropertyDescriptorMap = {};
    for (const name of ASYNC_FORMS) forms[name] = { value: wrapForm(raw[name] as Method), enumerable: true };
    forms.getFragment = {
      enumerable: true,
      value: (...args: unknown[]) => {
        try {
          return (raw.getFragment as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          throw toBindingErrorSync(err, this.bindingCall(key, args)) ?? toChaincallError(err);
        }
      },
    };
    forms.fragment = {
      enumerable: true,
      get: () => {
        try {
          return raw.fragment;
        } catch (err) {
          throw toBindingErrorSync(err, this.bindingCall(key, [])) ?? toChaincallError(err);
        }
      },
    };
    forms.name = { value: raw.name, enumerable: true };
    forms._key = { value: key, enumerable: true };
    Object.defineProperty(method, "_contract", { enumerable: true, get: () => this.proxy });
    Object.defineProperties(method, forms);
    return method;
  }

  /**
   * The lean read or lean send of the function `key` names, when it names exactly one that has one (see
   * `compileLeanRead`, `compileLeanSend`).
   */
  private leanOf(key: string): { fragment: FunctionFragment; read?: LeanRead; send?: LeanSend } | undefined {
    if (!this.leanTarget) return undefined;
    const matches: FunctionFragment[] = [];
    this.iface.forEachFunction((f) => {
      if (f.name === key || f.format("sighash") === key) matches.push(f);
    });
    if (matches.length !== 1) return undefined;
    const fragment = matches[0];
    const read = compileLeanRead(fragment);
    if (read) return { fragment, read };
    const send = compileLeanSend(fragment);
    return send ? { fragment, send } : undefined;
  }

  /**
   * One lean send: undefined when the arguments, the overrides or the runner need ethers' method. Otherwise
   * what ethers' `send` does for them, minus its argument resolution and rebuilt coders: the same request
   * (the overrides copied as ethers copies them, then `to` and `data`) to the runner's `sendTransaction`,
   * and its answer as a `ContractTransactionResponse` of the binding's ABI.
   */
  private sendLean(
    send: LeanSend,
    inputs: number,
    args: unknown[],
    done: (response: unknown) => unknown,
    fail: (err: unknown) => Promise<never>,
  ): Promise<unknown> | undefined {
    const runner = this.contract.runner;
    if (!runner || typeof runner.sendTransaction !== "function") return undefined;
    let request: TransactionRequest = {};
    let callArgs = args;
    if (args.length === inputs + 1) {
      const overrides = leanOverrides(args[inputs]);
      if (!overrides) return undefined;
      request = overrides;
      callArgs = args.slice(0, inputs);
    }
    const data = send.encode(callArgs);
    if (data === undefined) return undefined;
    request.to = this.leanTarget;
    request.data = data;
    let pending: Promise<unknown>;
    try {
      pending = runner.sendTransaction(request);
    } catch (err) {
      return fail(err); // a runner that throws at once: a rejection, as from ethers' async method
    }
    return (
      pending
        // As ethers: the runner's provider, null when it has none (ethers' declared type leaves that out).
        .then((tx) => new ContractTransactionResponse(this.iface, runner.provider as Provider, tx as TransactionResponse))
        .then(done, fail)
    );
  }

  /**
   * One lean read: undefined when the arguments or the runner need ethers' method. Otherwise what ethers'
   * method would do for these arguments, minus its rebuilt coders: the call goes to the runner (a chaincall
   * provider's batcher directly), a revert with data is decoded with the binding's ABI the way ethers does, and
   * an answer the lean decoder does not take is decoded by ethers (its BAD_DATA included).
   */
  private readLean(
    read: LeanRead,
    fragment: FunctionFragment,
    args: unknown[],
    fail: (err: unknown) => Promise<never>,
  ): Promise<unknown> | undefined {
    const runner = this.contract.runner as (ContractRunner & Partial<LeanCallRunner>) | null;
    if (!runner || typeof runner.call !== "function") return undefined;
    const data = read.encode(args);
    if (data === undefined) return undefined;
    // ethers sends the target as given; the provider checksums it, so both reach the node the same.
    const leanCall = runner[LEAN_CALL];
    let pending: Promise<string>;
    try {
      pending =
        typeof leanCall === "function"
          ? leanCall.call(runner, this.leanTarget!, data)
          : runner.call({ to: this.contract.target as string, data });
    } catch (err) {
      return fail(err); // a runner that throws at once: a rejection, as from ethers' async method
    }
    return pending.then(
      (hex) => {
        try {
          const value = read.decode(hex);
          if (value !== NOT_LEAN) return value;
          const result = this.iface.decodeFunctionResult(fragment, hex);
          return result.length === 1 ? result[0] : result;
        } catch (err) {
          return fail(err);
        }
      },
      (err: unknown) => {
        // As ethers' method does: a call exception with revert data becomes the ABI's error (or a panic, a reason).
        const revert = (err as { data?: unknown } | null)?.data;
        const thrown =
          isCallException(err) && typeof revert === "string" && revert
            ? this.iface.makeError(revert, { to: this.contract.target as string, data })
            : err;
        return fail(thrown);
      },
    );
  }

  /** The receive/fallback function (null when the ABI has neither), its failures translated. */
  private wrapFallback(): Method | undefined {
    const raw = Reflect.get(this.contract, "fallback") as Method | null;
    if (!raw) return undefined;
    const context = { interfaces: [this.iface] };
    const wrapForm = (form: (...args: unknown[]) => Promise<unknown>) => (overrides?: unknown) =>
      form(overrides).catch((err: unknown) => Promise.reject(toChaincallError(err, context)));
    const method = wrapForm(raw) as Method;
    for (const name of ["staticCall", "send", "estimateGas", "populateTransaction"]) {
      Object.defineProperty(method, name, { value: wrapForm(raw[name] as Method), enumerable: true });
    }
    Object.defineProperty(method, "_contract", { enumerable: true, get: () => this.proxy });
    return method;
  }

  /** `connect(runner)` and `attach(address)`: the new contract is wrapped too. */
  private wrapRebinding(prop: "connect" | "attach"): (arg: unknown) => unknown {
    return (arg: unknown) => {
      let next: BaseContract;
      try {
        next = (this.contract[prop] as (a: unknown) => BaseContract)(arg);
      } catch (err) {
        throw toChaincallError(err);
      }
      return wrapContract(next);
    };
  }

  /** A BaseContract method whose failures are translated; called on the wrapper, so `waitForDeployment` returns it. */
  private wrapMember(prop: string): (...args: unknown[]) => unknown {
    const fn = Reflect.get(this.contract, prop) as (...args: unknown[]) => unknown;
    const context = () => ({ interfaces: [this.iface] });
    return (...args: unknown[]) => {
      let result: unknown;
      try {
        result = fn.apply(this.proxy, args);
      } catch (err) {
        throw toChaincallError(err, context());
      }
      return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(toChaincallError(err, context()))) : result;
    };
  }
}

// Overrides a lean send copies as ethers' copyRequest would: amounts to bigint, nonce and type to number.
const AMOUNT_OVERRIDES = new Set(["gasLimit", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value"]);
const NUMBER_OVERRIDES = new Set(["nonce", "type"]);

/**
 * A plain overrides object of amounts, nonce and type (bigints or safe integers), copied; undefined for
 * anything else (another key, a string amount, a Typed value, `from`): ethers' method copies and judges those.
 */
function leanOverrides(value: unknown): TransactionRequest | undefined {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const copy: Record<string, bigint | number> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === null) continue;
    const integer = toBigint(field);
    if (integer === undefined) return undefined;
    if (AMOUNT_OVERRIDES.has(key)) copy[key] = integer;
    else if (NUMBER_OVERRIDES.has(key) && Number.isSafeInteger(Number(integer))) copy[key] = Number(integer);
    else return undefined;
  }
  return copy as TransactionRequest;
}

function isMember(key: string): boolean {
  return OWN_MEMBERS.has(key) || key in BaseContract.prototype;
}
