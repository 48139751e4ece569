#!/usr/bin/env bash
# The main job: build, start onorder-mock-sp on a free loopback port, submit samples/order.json,
# show the verdict, stop the mock.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target onorder onorder-mock-sp
bin=build/release

echo "== onorder template | onorder validate -"
"$bin/onorder" template | "$bin/onorder" validate -
echo "== onorder validate samples/order.json samples/batch.ndjson"
"$bin/onorder" validate samples/order.json samples/batch.ndjson

ready=$(mktemp)
"$bin/onorder-mock-sp" --port 0 --user demo --password demo-secret --quiet >"$ready" &
mock=$!
trap 'kill $mock 2>/dev/null; wait $mock 2>/dev/null; rm -f "$ready"' EXIT
for _ in $(seq 100); do grep -q listening "$ready" && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$ready")
echo "== onorder-mock-sp listening on $url"

echo "== onorder submit --url $url --user demo samples/order.json"
status=0
ONORDER_PASSWORD=demo-secret "$bin/onorder" submit --url "$url" --user demo samples/order.json || status=$?
echo "== exit code $status"
exit "$status"
