// The GraphQL API, as any channel uses it: HTTP for queries and mutations, graphql-transport-ws for events.
import { createClient } from "../vendor/graphql-ws/client.mjs";

const KEY = "c360.key";
const AGENT = "c360.agent";

const endpoint = new URL("graphql", window.location.href);
endpoint.search = "";

/** The signed-in key and agent id, kept in this tab's sessionStorage only (never localStorage or cookies). */
export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get agent() { return sessionStorage.getItem(AGENT) || ""; },
  signIn(key, agent) { sessionStorage.setItem(KEY, key); sessionStorage.setItem(AGENT, agent || ""); },
  signOut() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(AGENT); },
};

/** A refusal of the API, with its `extensions.code` (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, AMBIGUOUS, …). */
export class ApiError extends Error {
  constructor(message, code, extensions = {}) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
}

/** A request that may not have reached the hub: retrying it with the same idempotency key is safe. */
export class NetworkError extends Error {}

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-API-Key": session.key || "" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (response.status >= 500) throw new NetworkError(`HTTP ${response.status}`);
  let body;
  try {
    body = await response.json();
  } catch (error) {
    throw new NetworkError(`HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code || "ERROR", first.extensions || {});
  }
  return body.data;
}

/**
 * Call ``onEvent`` for each new contact event of ``customerId``. The subscription replays the
 * customer's events from the start of the log (the first ``skip`` are on the card already) and does
 * so again after a reconnect, in the same order: each connection skips what the one before delivered.
 */
export function watchCustomer(customerId, skip, onEvent, onState) {
  const socket = new URL(endpoint);
  socket.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
  let known = skip; // events of the log the card already reflects
  let delivered = 0; // events this connection delivered so far
  let connections = 0;
  const client = createClient({
    url: socket.toString(),
    connectionParams: () => ({ authorization: `Bearer ${session.key}` }),
    retryAttempts: 20,
    shouldRetry: () => true,
    on: {
      connected: () => {
        if (connections++ > 0) { known = Math.max(known, delivered); delivered = 0; }
        onState(true);
      },
      closed: () => onState(false),
    },
  });
  const stop = client.subscribe(
    {
      query: `subscription Watch($ids: [ID!]) {
        contactEvents(filter: { customerIds: $ids }) { seq type channel contactType summary serviceRequestStatus }
      }`,
      variables: { ids: [customerId] },
    },
    {
      next: ({ data }) => {
        delivered += 1;
        if (delivered > known && data?.contactEvents) onEvent(data.contactEvents);
      },
      error: () => onState(false),
      complete: () => onState(false),
    },
  );
  return () => { stop(); client.dispose(); };
}
