// The shop's Node.js server: ShopService as shop.proto describes it, with gRPC health. The
// contract is loaded at start with @grpc/proto-loader, as many Node.js services do.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { HealthImplementation } from "grpc-health-check";

const NANOS_PER_UNIT = 1_000_000_000n;
const INT64_MAX = 2n ** 63n - 1n;
const COUPON = /^[A-Z0-9]{4,12}$/;
const KNOWN_CURRENCIES = new Set(["CURRENCY_EUR", "CURRENCY_USD"]);
const KNOWN_CATEGORIES = new Set(["CATEGORY_UNSPECIFIED", "CATEGORY_BOOKS", "CATEGORY_GAMES"]);
// A test of the harness starts this server with SHOP_PLANTED_DIVERGENCE=1 to prove that a server
// answering one request differently from the others fails the run.
const PLANTED = process.env.SHOP_PLANTED_DIVERGENCE === "1";

const definition = protoLoader.loadSync("shop/v1/shop.proto", {
  includeDirs: ["proto"],
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
});
const shop = grpc.loadPackageDefinition(definition).shop.v1;

const money = (currency, units, nanos) => ({ currency, units: String(units), nanos });
const CATALOG = [
  {
    sku: "BK-001",
    title: "Gödel, Escher, Bach",
    category: "CATEGORY_BOOKS",
    price: money("CURRENCY_EUR", 24, 900_000_000),
    tags: ["classic", "math"],
    attributes: { pages: "777", language: "en" },
  },
  {
    sku: "GM-042",
    title: "Go \u{1f3b2} board",
    category: "CATEGORY_GAMES",
    price: money("CURRENCY_EUR", 59, 0),
    tags: ["strategy"],
    attributes: { players: "2" },
    discount_percent: 10,
  },
  {
    sku: "BK-314",
    title: "\u03a0\u03bf\u03af\u03b7\u03c3\u03b7",
    category: "CATEGORY_BOOKS",
    price: money("CURRENCY_USD", 12, 500_000_000),
    tags: [],
    attributes: {},
  },
];

const invalid = (details) => ({ code: grpc.status.INVALID_ARGUMENT, details });

/** The first check of shop.proto's PlaceOrder that the request fails, or null. */
function orderProblem(request) {
  if (request.customer === "") {
    return PLANTED
      ? { code: grpc.status.FAILED_PRECONDITION, details: "customer is required" }
      : invalid("customer is required");
  }
  if (request.items.length === 0) return invalid("items must not be empty");
  const first = request.items[0].unit_price?.currency;
  for (const [i, item] of request.items.entries()) {
    const at = `items[${i}]`;
    if (item.sku === "") return invalid(`${at}.sku is required`);
    if (item.quantity === 0) return invalid(`${at}.quantity must be at least 1`);
    const price = item.unit_price;
    if (price === null) return invalid(`${at}.unit_price is required`);
    if (!KNOWN_CURRENCIES.has(price.currency)) {
      return invalid(`${at}.unit_price.currency is not a known currency`);
    }
    if (price.currency !== first) {
      return invalid(`${at}.unit_price.currency differs from items[0]'s`);
    }
    if (BigInt(price.units) < 0n) return invalid(`${at}.unit_price.units must not be negative`);
    if (price.nanos < 0 || price.nanos > 999_999_999) {
      return invalid(`${at}.unit_price.nanos must be between 0 and 999999999`);
    }
  }
  if (request.coupon !== undefined && !COUPON.test(request.coupon)) {
    return invalid("coupon is not a coupon code");
  }
  return null;
}

function placeOrder(call, callback) {
  const request = call.request;
  const problem = orderProblem(request);
  if (problem) return callback(problem);
  let totalNanos = 0n;
  for (const item of request.items) {
    const price = item.unit_price;
    totalNanos += BigInt(item.quantity) * (BigInt(price.units) * NANOS_PER_UNIT + BigInt(price.nanos));
  }
  const units = totalNanos / NANOS_PER_UNIT;
  if (units > INT64_MAX) {
    return callback({ code: grpc.status.OUT_OF_RANGE, details: "the total does not fit in an int64" });
  }
  const now = Date.now();
  const order = {
    id: randomUUID(),
    customer: request.customer,
    items: request.items,
    labels: request.labels,
    note: request.note,
    total: money(request.items[0].unit_price.currency, units, Number(totalNanos % NANOS_PER_UNIT)),
    requested_at: request.requested_at,
    placed_at: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 },
    attributes: request.attributes,
  };
  if (request.delivery) order[request.delivery] = request[request.delivery];
  if (request.coupon !== undefined) order.coupon = request.coupon;
  callback(null, order);
}

function listProducts(call) {
  const { category, limit } = call.request;
  if (limit > 100) return call.emit("error", invalid("limit must be at most 100"));
  // An enum value the contract does not name arrives as its number.
  if (!KNOWN_CATEGORIES.has(category)) return call.emit("error", invalid("category is not a known category"));
  const products = CATALOG.filter(
    (p) => category === "CATEGORY_UNSPECIFIED" || p.category === category,
  );
  for (const product of limit === 0 ? products : products.slice(0, limit)) call.write(product);
  call.end();
}

function uploadReceipts(call, callback) {
  const summary = { count: 0, total_bytes: 0n, last_id: "" };
  let failed = false;
  call.on("data", (receipt) => {
    if (failed) return;
    if (receipt.id === "") {
      failed = true;
      return callback(invalid(`receipts[${summary.count}].id is required`));
    }
    summary.count += 1;
    summary.total_bytes += BigInt(receipt.image.length);
    summary.last_id = receipt.id;
  });
  call.on("end", () => {
    if (!failed) callback(null, { ...summary, total_bytes: String(summary.total_bytes) });
  });
}

function chat(call) {
  let position = 0;
  call.on("data", (message) => {
    call.write({ position, text: message.text, code_points: [...message.text].length });
    position += 1;
  });
  call.on("end", () => call.end());
}

const port = process.env.PORT ?? "50051";
const server = new grpc.Server();
server.addService(shop.ShopService.service, {
  PlaceOrder: placeOrder,
  ListProducts: listProducts,
  UploadReceipts: uploadReceipts,
  Chat: chat,
});
new HealthImplementation({ "": "SERVING" }).addToServer(server);
// TLS when SHOP_TLS_CERT and SHOP_TLS_KEY name a certificate and its key; with SHOP_TLS_CLIENT_CA
// too, only clients with a certificate that CA signed get in.
function credentials() {
  const { SHOP_TLS_CERT: cert, SHOP_TLS_KEY: key, SHOP_TLS_CLIENT_CA: clientCa } = process.env;
  if (!cert) {
    return grpc.ServerCredentials.createInsecure();
  }
  return grpc.ServerCredentials.createSsl(
    clientCa ? readFileSync(clientCa) : null,
    [{ private_key: readFileSync(key), cert_chain: readFileSync(cert) }],
    Boolean(clientCa),
  );
}

server.bindAsync(`0.0.0.0:${port}`, credentials(), (error) => {
  if (error) {
    console.error(`cannot listen on ${port}: ${error.message}`);
    process.exit(1);
  }
  const mode = [process.env.SHOP_TLS_CERT && "TLS", PLANTED && "planted divergence"].filter(Boolean);
  console.log(`shop server (Node.js) listening on ${port}${mode.length ? ` (${mode.join(", ")})` : ""}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.tryShutdown(() => process.exit(0)));
}
