/**
 * A real GraphQL server on loopback for the GraphQL activity tests: `node:http` (through the loopback fixture) and
 * graphql-js's own executor, `graphql()`, over a small order schema. It speaks GraphQL over HTTP as servers do for
 * `accept: application/json`: `POST /graphql` with `{ query, variables, operationName }`, every well-formed request
 * answered 200 with `{ data }` and/or `{ errors }` (a resolver error, a validation error and a syntax error alike).
 *
 * Beside it, for the bad paths: `/plain` answers 200 with text (not a GraphQL response), anything else 404.
 */
import { buildSchema, graphql } from 'graphql';
import { type LoopbackServer, type RecordedRequest, sendJson, startLoopbackServer } from '../fixtures/loopback-server.js';

const SCHEMA = buildSchema(`
  type Order { id: ID!, item: String!, quantity: Int!, status: String! }
  type Query { order(id: ID!): Order, orders: [Order!]! }
  type Mutation { placeOrder(item: String!, quantity: Int!): Order! }
`);

export interface GraphqlOrder {
  id: string;
  item: string;
  quantity: number;
  status: string;
}

/** One GraphQL request as the server received it. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables: unknown;
  readonly operationName: unknown;
  readonly idempotencyKey: string | undefined;
  readonly headers: RecordedRequest['headers'];
}

export interface GraphqlServer {
  /** `http://127.0.0.1:<port>/graphql` */
  readonly endpoint: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Every GraphQL request (`POST /graphql` with a JSON body), in arrival order. */
  readonly received: readonly GraphqlRequest[];
  /** The orders, as the mutations left them. */
  readonly orders: ReadonlyMap<string, GraphqlOrder>;
  close(): Promise<void>;
}

/** Starts the server with `orders` in its store; closed by `close()` (idempotent). */
export async function startGraphqlServer(orders: readonly GraphqlOrder[] = []): Promise<GraphqlServer> {
  const store = new Map(orders.map((order) => [order.id, { ...order }]));
  const received: GraphqlRequest[] = [];
  const rootValue = {
    order: ({ id }: { id: string }) => {
      const order = store.get(id);
      if (order === undefined) throw new Error(`order ${id} not found`);
      return order;
    },
    orders: () => [...store.values()],
    placeOrder: ({ item, quantity }: { item: string; quantity: number }) => {
      if (quantity <= 0) throw new Error(`quantity must be positive, got ${quantity}`);
      const order = { id: `o-${store.size + 1}`, item, quantity, status: 'placed' };
      store.set(order.id, order);
      return order;
    },
  };
  const server: LoopbackServer = await startLoopbackServer(async (request, response) => {
    if (request.path === '/plain') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('hello, not GraphQL');
      return;
    }
    if (request.path !== '/graphql' || request.method !== 'POST') {
      sendJson(response, 404, { message: `no ${request.method} ${request.path} here` });
      return;
    }
    let params: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      params = JSON.parse(request.body) as typeof params;
    } catch {
      sendJson(response, 400, { errors: [{ message: 'the body is not JSON' }] });
      return;
    }
    const key = request.headers['idempotency-key'];
    received.push({
      query: String(params.query),
      variables: params.variables,
      operationName: params.operationName,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      headers: request.headers,
    });
    const result = await graphql({
      schema: SCHEMA,
      source: String(params.query),
      rootValue,
      variableValues: (params.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
    });
    sendJson(response, 200, result);
  });
  return {
    endpoint: `${server.url}/graphql`,
    origin: server.url,
    received,
    orders: store,
    close: () => server.close(),
  };
}
