#!/usr/bin/env bash
# onorder validate on N NDJSON orders (default 100,000): orders/s and peak RSS, beside an
# ajv-based validator in Node when npm can install ajv (bench/ajv).
source "$(dirname "$0")/common.sh"
N=${N:-100000}
build_release
orders="$out/orders-$N.ndjson"
[ -f "$orders" ] || python3 "$root/bench/gen_orders.py" "$N" "$orders"

measure() { # name, command…: best of 5 wall-clock runs, and peak RSS
  local name=$1; shift
  hyperfine -N --warmup 1 --runs 5 --export-json "$out/$name.json" "$*" >/dev/null
  local best rss
  best=$(python3 -c "import json,sys; print(min(json.load(open(sys.argv[1]))['results'][0]['times']))" "$out/$name.json")
  rss=$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -1)
  printf '%-28s %8.3f s  %10.0f orders/s  peak RSS %6.1f MiB\n' "$name" "$best" \
    "$(python3 -c "print($N / $best)")" "$(python3 -c "print($rss / 1024)")"
  echo "$best" >"$out/$name.best"
}

echo "validate: $N orders from NDJSON, one core"
measure onorder-validate-json "$bin/onorder" validate --output json "$orders"
measure onorder-validate-human "$bin/onorder" validate "$orders"

if [ -d "$root/bench/ajv/node_modules/ajv" ] || (cd "$root/bench/ajv" && npm install --silent --no-audit --no-fund >/dev/null 2>&1); then
  measure ajv-node node "$root/bench/ajv/validate.js" "$orders"
  echo "ratio onorder/ajv (throughput): $(ratio "$(cat "$out/ajv-node.best")" "$(cat "$out/onorder-validate-json.best")")x"
else
  echo "ajv: npm could not install it; skipped"
fi
