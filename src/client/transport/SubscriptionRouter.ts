/** A JSON-RPC message with a method and no id: a subscription notification. */
export interface JsonRpcNotification {
  jsonrpc?: string;
  method: string;
  params?: unknown;
}

// A notification can arrive before the eth_subscribe answer that names its subscription is handled: kept
// for a while, within bounds (a node pushing for ids nobody subscribed to must not grow memory).
const MAX_EARLY_SUBSCRIPTIONS = 16;
const MAX_EARLY_PER_SUBSCRIPTION = 64;

/**
 * Routes `eth_subscription` notifications of one connection to their subscribers by subscription id,
 * keeping those that arrive before their subscriber is added. Internal to the socket transports.
 * @example
 * const router = new SubscriptionRouter();
 * router.route({ method: "eth_subscription", params: { subscription: "0x1", result: head } });
 * router.add("0x1", (result) => console.log(result)); // prints the head kept above
 */
export class SubscriptionRouter {
  private readonly handlers = new Map<string, (result: unknown) => void>();
  private readonly early = new Map<string, unknown[]>();

  /** Hands one notification to its subscriber, or keeps it for one not added yet; ignores other messages. */
  route(message: JsonRpcNotification): void {
    const params = message.params as { subscription?: unknown; result?: unknown } | undefined;
    if (message.method !== "eth_subscription" || typeof params?.subscription !== "string") return;
    const handler = this.handlers.get(params.subscription);
    if (handler) {
      handler(params.result);
      return;
    }
    if (this.early.size > MAX_EARLY_SUBSCRIPTIONS) this.early.clear();
    const queued = this.early.get(params.subscription) ?? [];
    if (queued.length < MAX_EARLY_PER_SUBSCRIPTION) queued.push(params.result);
    this.early.set(params.subscription, queued);
  }

  /** Adds the subscriber of `id`, first handing it what arrived for it already. */
  add(id: string, handler: (result: unknown) => void): void {
    this.handlers.set(id, handler);
    for (const result of this.early.get(id) ?? []) handler(result);
    this.early.delete(id);
  }

  /** Forgets every subscription (their connection ended: the node forgot them too). */
  clear(): void {
    this.handlers.clear();
    this.early.clear();
  }
}
