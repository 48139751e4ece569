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

# A throwaway certificate for 127.0.0.1, so the demo runs over verified TLS as the spec requires.
work=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
ready="$work/ready"
"$bin/onorder-mock-sp" --port 0 --cert "$work/cert.pem" --key "$work/key.pem" \
  --user demo --password demo-secret --quiet >"$ready" &
mock=$!
trap 'kill $mock 2>/dev/null; wait $mock 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$ready" && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$ready")
echo "== onorder-mock-sp listening on $url"

echo "== onorder submit --url $url --cacert cert.pem --user demo samples/order.json"
status=0
ONORDER_PASSWORD=demo-secret "$bin/onorder" submit --url "$url" --cacert "$work/cert.pem" --user demo \
  samples/order.json || status=$?
echo "== exit code $status"
exit "$status"
