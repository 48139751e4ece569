#!/usr/bin/env bash
# One order as a whole process: `onorder submit` beside one `curl` POST of the same body, over
# HTTPS to the same server (onorder-mock-sp, and nginx where installed). Reported as a ratio.
source "$(dirname "$0")/common.sh"
build_release
make_certificates
order="$root/samples/order.json"
body="$out/order.body"
cp "$order" "$body"

compare() { # label, order URL
  local label=$1 url=$2
  hyperfine -N --warmup 5 --runs ${RUNS:-100} --export-json "$out/single-$label.json" \
    -n onorder "$bin/onorder submit --url $url --cacert $out/server.pem --user bench $order" \
    -n curl "curl -sS -o /dev/null --cacert $out/server.pem -u bench:bench-secret -H Content-Type:application/json --data-binary @$body $url" \
    >/dev/null
  python3 - "$out/single-$label.json" "$label" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
o, c = results["onorder"], results["curl"]
cpu = lambda r: r["user"] + r["system"]
print(f"{sys.argv[2]:<14} onorder {o['mean']*1000:6.2f} ms (median {o['median']*1000:6.2f})   "
      f"curl {c['mean']*1000:6.2f} ms (median {c['median']*1000:6.2f})   "
      f"ratio {o['mean']/c['mean']:.3f} (median {o['median']/c['median']:.3f}, CPU {cpu(o)/cpu(c):.3f})")
PY
}

export ONORDER_PASSWORD=bench-secret
start_mock --cert "$out/server.pem" --key "$out/server.key" --user bench --password bench-secret
trap 'kill $mock_pid 2>/dev/null' EXIT
echo "one order as a whole process, HTTPS, $(nproc) cores"
compare mock-sp "$mock_url/2.5/sp_spec/order/"

if command -v nginx >/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$out/nginx"
  cat >"$out/nginx/nginx.conf" <<CONF
worker_processes 1; daemon on; pid $out/nginx/nginx.pid; error_log $out/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path $out/nginx;
  server {
    listen 127.0.0.1:$port ssl; ssl_certificate $out/server.pem; ssl_certificate_key $out/server.key;
    location / { default_type application/json; return 200 '{"status":"ACTIVATED","message":"ok"}'; }
  }
}
CONF
  nginx -c "$out/nginx/nginx.conf"
  trap 'kill $mock_pid 2>/dev/null; kill $(cat "$out/nginx/nginx.pid") 2>/dev/null' EXIT
  compare nginx "https://127.0.0.1:$port/2.5/sp_spec/order/"
fi
