#!/usr/bin/env python3
"""Writes N valid, distinct orders as NDJSON (for the benchmarks): gen_orders.py N FILE."""
import json
import random
import sys


def luhn_digit(nine):
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def identity_number(rng):
    year, month, day = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    serial = f"{rng.randint(1, 999):03d}"
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial}"
    return f"{year}{month:02d}{day:02d}-{serial}{luhn_digit(nine)}"


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    with open(path, "w") as out:
        for i in range(count):
            order = {
                "coId": "Acme",
                "coAccessId": f"access-{i:08d}",
                "operation": "ACTIVATE",
                "orderDateTime": "2026-05-03T20:31:15Z",
                "requestedDateTime": "2026-05-06T00:01:00Z",
                "products": [{"productId": "1f94f25b-3ae0-434f-a49e-bc4d3093e399",
                              "offeringId": "821cfc90-762a-4272-aacf-ba7ffed8614c"}],
                "customerDetails": {
                    "identifiedCustomer": True,
                    "personalIdentityNumber": identity_number(rng),
                    "customerFirstname": "Anna",
                    "customerLastName": "Lindström",
                    "customerPhone": "+46812345678",
                    "customerMobilePhone": "+46701234567",
                    "customerEmail": f"customer{i}@example.se",
                    "invoiceDetails": {"streetName": "Storgatan", "streetNumber": "12",
                                       "streetLittera": "B", "postalCode": "11122",
                                       "city": "Stockholm"},
                },
            }
            out.write(json.dumps(order, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
