"""The shop's Python server: ShopService as shop.proto describes it, with gRPC health."""

import asyncio
import os
import re
import uuid

import grpc
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from shop.v1 import shop_pb2, shop_pb2_grpc

INT64_MAX = 2**63 - 1
NANOS_PER_UNIT = 1_000_000_000
COUPON = re.compile(r"[A-Z0-9]{4,12}")
KNOWN_CURRENCIES = {shop_pb2.CURRENCY_EUR, shop_pb2.CURRENCY_USD}
KNOWN_CATEGORIES = set(shop_pb2.Category.values())

CATALOG = [
    shop_pb2.Product(
        sku="BK-001",
        title="Gödel, Escher, Bach",
        category=shop_pb2.CATEGORY_BOOKS,
        price=shop_pb2.Money(currency=shop_pb2.CURRENCY_EUR, units=24, nanos=900_000_000),
        tags=["classic", "math"],
        attributes={"pages": "777", "language": "en"},
    ),
    shop_pb2.Product(
        sku="GM-042",
        title="Go \U0001f3b2 board",
        category=shop_pb2.CATEGORY_GAMES,
        price=shop_pb2.Money(currency=shop_pb2.CURRENCY_EUR, units=59),
        tags=["strategy"],
        attributes={"players": "2"},
        discount_percent=10,
    ),
    shop_pb2.Product(
        sku="BK-314",
        title="\u03a0\u03bf\u03af\u03b7\u03c3\u03b7",
        category=shop_pb2.CATEGORY_BOOKS,
        price=shop_pb2.Money(currency=shop_pb2.CURRENCY_USD, units=12, nanos=500_000_000),
    ),
]


class Shop(shop_pb2_grpc.ShopServiceServicer):
    async def PlaceOrder(self, request, context):
        problem = order_problem(request)
        if problem:
            await context.abort(*problem)
        total_nanos = sum(
            item.quantity * (item.unit_price.units * NANOS_PER_UNIT + item.unit_price.nanos)
            for item in request.items
        )
        units, nanos = divmod(total_nanos, NANOS_PER_UNIT)
        if units > INT64_MAX:
            await context.abort(
                grpc.StatusCode.OUT_OF_RANGE, "the total does not fit in an int64"
            )
        placed_at = timestamp_pb2.Timestamp()
        placed_at.GetCurrentTime()
        order = shop_pb2.Order(
            id=str(uuid.uuid4()),
            customer=request.customer,
            items=request.items,
            labels=request.labels,
            note=request.note,
            total=shop_pb2.Money(
                currency=request.items[0].unit_price.currency, units=units, nanos=nanos
            ),
            placed_at=placed_at,
        )
        delivery = request.WhichOneof("delivery")
        if delivery == "ship_to":
            order.ship_to.CopyFrom(request.ship_to)
        elif delivery == "pickup":
            order.pickup.CopyFrom(request.pickup)
        if request.HasField("coupon"):
            order.coupon = request.coupon
        if request.HasField("requested_at"):
            order.requested_at.CopyFrom(request.requested_at)
        if request.HasField("attributes"):
            order.attributes.CopyFrom(request.attributes)
        return order

    async def ListProducts(self, request, context):
        if request.limit > 100:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "limit must be at most 100")
        if request.category not in KNOWN_CATEGORIES:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "category is not a known category"
            )
        products = [
            p
            for p in CATALOG
            if request.category == shop_pb2.CATEGORY_UNSPECIFIED or p.category == request.category
        ]
        for product in products[: request.limit or None]:
            yield product

    async def UploadReceipts(self, request_iterator, context):
        summary = shop_pb2.UploadSummary()
        async for receipt in request_iterator:
            if not receipt.id:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"receipts[{summary.count}].id is required"
                )
            summary.count += 1
            summary.total_bytes += len(receipt.image)
            summary.last_id = receipt.id
        return summary

    async def Chat(self, request_iterator, context):
        position = 0
        async for message in request_iterator:
            yield shop_pb2.ChatReply(
                position=position, text=message.text, code_points=len(message.text)
            )
            position += 1


def order_problem(request):
    """The first check of shop.proto's PlaceOrder that the request fails, or None."""
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    if not request.customer:
        return invalid, "customer is required"
    if not request.items:
        return invalid, "items must not be empty"
    for i, item in enumerate(request.items):
        at = f"items[{i}]"
        if not item.sku:
            return invalid, f"{at}.sku is required"
        if item.quantity == 0:
            return invalid, f"{at}.quantity must be at least 1"
        if not item.HasField("unit_price"):
            return invalid, f"{at}.unit_price is required"
        price = item.unit_price
        if price.currency not in KNOWN_CURRENCIES:
            return invalid, f"{at}.unit_price.currency is not a known currency"
        if price.currency != request.items[0].unit_price.currency:
            return invalid, f"{at}.unit_price.currency differs from items[0]'s"
        if price.units < 0:
            return invalid, f"{at}.unit_price.units must not be negative"
        if not 0 <= price.nanos < NANOS_PER_UNIT:
            return invalid, f"{at}.unit_price.nanos must be between 0 and 999999999"
    if request.HasField("coupon") and not COUPON.fullmatch(request.coupon):
        return invalid, "coupon is not a coupon code"
    return None


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def tls_credentials() -> grpc.ServerCredentials | None:
    """TLS when SHOP_TLS_CERT and SHOP_TLS_KEY name a certificate and its key; with
    SHOP_TLS_CLIENT_CA too, only clients with a certificate that CA signed get in."""
    certificate = os.environ.get("SHOP_TLS_CERT")
    if not certificate:
        return None
    client_ca = os.environ.get("SHOP_TLS_CLIENT_CA")
    return grpc.ssl_server_credentials(
        [(_read(os.environ["SHOP_TLS_KEY"]), _read(certificate))],
        root_certificates=_read(client_ca) if client_ca else None,
        require_client_auth=bool(client_ca),
    )


async def serve(port):
    server = grpc.aio.server()
    shop_pb2_grpc.add_ShopServiceServicer_to_server(Shop(), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    credentials = tls_credentials()
    if credentials is None:
        server.add_insecure_port(f"[::]:{port}")
    else:
        server.add_secure_port(f"[::]:{port}", credentials)
    await server.start()
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    tls = "" if credentials is None else " (TLS)"
    print(f"shop server (Python) listening on {port}{tls}", flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(int(os.environ.get("PORT", "50051"))))
