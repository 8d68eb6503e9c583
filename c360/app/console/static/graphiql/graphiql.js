// GraphiQL for the hub: queries and mutations over HTTP, subscriptions over graphql-transport-ws,
// both with the credential typed into the headers editor (pre-filled with the X-API-Key name).
import { createClient } from "../vendor/graphql-ws/client.mjs";

const HEADERS_TEMPLATE = '{\n  "X-API-Key": ""\n}';
const WELCOME = `# c360 GraphiQL
#
# Paste a channel API key into the X-API-Key header below (c360 demo prints some),
# then run a query with Ctrl-Enter, e.g.:
#
# { hub { counts { goldenCustomers sourceRecords } } }
#
{
  hub {
    version
    counts { goldenCustomers sourceRecords events }
  }
}
`;

const endpoint = new URL("graphql", window.location.href);
endpoint.search = "";
const socketUrl = new URL(endpoint);
socketUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

const httpFetcher = GraphiQL.createFetcher({ url: endpoint.toString() });

/** The credential of the headers editor as graphql-transport-ws connection params. */
function connectionParams(headers) {
  const entries = Object.entries(headers || {});
  const find = (name) => entries.find(([key]) => key.toLowerCase() === name)?.[1];
  const key = find("x-api-key");
  const authorization = find("authorization") || (key ? `Bearer ${key}` : undefined);
  return authorization ? { authorization } : {};
}

function isSubscription(documentAST, operationName) {
  if (!documentAST) return false;
  const operation = GraphiQL.GraphQL.getOperationAST(documentAST, operationName || undefined);
  return operation?.operation === "subscription";
}

/** One subscription as an async iterable of results, on its own socket (closed when GraphiQL stops it). */
function subscribe(params, headers) {
  const client = createClient({ url: socketUrl.toString(), connectionParams: connectionParams(headers), lazy: true });
  const queue = [];
  let wake = null;
  let finished = false;
  const push = (item) => { queue.push(item); if (wake) { wake(); wake = null; } };
  const dispose = client.subscribe(params, {
    next: (value) => push({ value }),
    error: (error) => push({ error }),
    complete: () => push({ done: true }),
  });
  const stop = () => { finished = true; dispose(); client.dispose(); };
  return {
    [Symbol.asyncIterator]() { return this; },
    async next() {
      while (!queue.length) await new Promise((resolve) => { wake = resolve; });
      const item = queue.shift();
      if (item.done) { stop(); return { done: true, value: undefined }; }
      if (item.error) {
        stop();
        const errors = Array.isArray(item.error) ? item.error : [{ message: item.error.reason || String(item.error) }];
        return { done: false, value: { errors } };
      }
      return { done: false, value: item.value };
    },
    async return() { if (!finished) stop(); return { done: true, value: undefined }; },
  };
}

function fetcher(params, options) {
  if (isSubscription(options?.documentAST, params.operationName)) {
    return subscribe(params, options?.headers);
  }
  return httpFetcher(params, options);
}

function Page() {
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  return React.createElement(GraphiQL, {
    fetcher,
    plugins: [explorer],
    defaultQuery: WELCOME,
    defaultHeaders: HEADERS_TEMPLATE,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
