#!/usr/bin/env bash
# A batch of N orders (default 10,000) over HTTPS, side by side in one run against the same
# servers: `onorder submit --parallel 16` with and without --journal, one `curl --parallel`
# process (HTTP/2 and HTTP/1.1), `xargs -P 8 curl`, a shell loop of `curl`, and wrk as the
# ceiling (DESIGN §10). Prints one Markdown table: orders/s (the median of RUNS runs) and peak RSS
# of each client, and onorder's ratio to each. The servers: onorder-mock-sp (HTTPS, HTTP/1.1
# only), and when nginx is installed nginx with HTTP/2 in front of it and nginx answering a fixed
# JSON itself (the fastest server we have).
#   N=10000 RUNS=3 SAMPLE=200 XARGS_SAMPLE=1000 WRK_SECONDS=5 N100K=1 RUNS100K=1 bench/batch.sh
source "$(dirname "$0")/common.sh"
N=${N:-10000}
RUNS=${RUNS:-3}
SAMPLE=${SAMPLE:-200}             # the shell loop of curl: too slow for N, measured on a sample
XARGS_SAMPLE=${XARGS_SAMPLE:-1000} # xargs -P 8 curl: likewise
WRK_SECONDS=${WRK_SECONDS:-5}
N100K=${N100K:-1}                 # also the peak RSS of onorder on 100,000 orders, with and without --journal
RUNS100K=${RUNS100K:-1}
PARALLEL=16
USER_NAME=bench
export ONORDER_PASSWORD=bench-secret

build_release
make_certificates
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || PATH="$PATH:/usr/sbin"
done
ca="$out/server.pem"
onorder="$bin/onorder"
version=$("$onorder" --version | awk 'NR == 1 {print $NF}') # the first line: onorder VERSION
results="$out/batch-results.tsv"
: >"$results"
work="$out/batch"
rm -rf "$work"
mkdir -p "$work"

orders="$out/orders-$N.ndjson"
[ -s "$orders" ] && [ "$(wc -l <"$orders")" -eq "$N" ] || python3 "$root/bench/gen_orders.py" "$N" "$orders"
head -n "$SAMPLE" "$orders" >"$work/sample.ndjson"
head -n "$XARGS_SAMPLE" "$orders" >"$work/xargs-sample.ndjson"
head -n 1 "$orders" | tr -d '\n' >"$work/one-order.json"

has_parallel=0
"$onorder" submit --help 2>/dev/null | grep -q -- '--parallel' && has_parallel=1
has_journal=0
"$onorder" submit --help 2>/dev/null | grep -q -- '--journal' && has_journal=1

# --- servers -------------------------------------------------------------------------------------
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start_mock --cert "$out/server.pem" --key "$out/server.key" --user "$USER_NAME" --password "$ONORDER_PASSWORD"
pids+=("$mock_pid")
servers=("onorder-mock-sp (HTTPS, HTTP/1.1)")
urls=("$mock_url")
h2=(0)

if command -v nginx >/dev/null && command -v wrk >/dev/null; then
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  proxy_port=$(free_port)
  fixed_port=$(free_port)
  nginx_dir="$work/nginx"
  mkdir -p "$nginx_dir"
  # One process (master_process off) in the foreground, its own prefix; the bench owns its pid.
  cat >"$nginx_dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $nginx_dir/nginx.pid; error_log $nginx_dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $nginx_dir/body; proxy_temp_path $nginx_dir/proxy;
  fastcgi_temp_path $nginx_dir/fastcgi; uwsgi_temp_path $nginx_dir/uwsgi; scgi_temp_path $nginx_dir/scgi;
  ssl_certificate $out/server.pem; ssl_certificate_key $out/server.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  keepalive_requests 1000000;
  upstream mock_sp { server ${mock_url#https://}; keepalive 64; }
  server {
    listen 127.0.0.1:$proxy_port ssl http2;
    location / {
      proxy_pass https://mock_sp; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_ssl_session_reuse on;
    }
  }
  server {
    listen 127.0.0.1:$fixed_port ssl http2;
    location / {
      default_type application/json;
      return 200 '{"status":"RECEIVED","message":"ok"}';
    }
  }
}
CONF
  nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/error.log" &
  pids+=("$!")
  for _ in $(seq 500); do [ -s "$nginx_dir/nginx.pid" ] && break; sleep 0.01; done
  [ -s "$nginx_dir/nginx.pid" ] || { cat "$nginx_dir/error.log" >&2; exit 1; }
  servers+=("nginx HTTP/2 → onorder-mock-sp (HTTPS)" "nginx fixed answer (HTTPS, HTTP/2)")
  urls+=("https://127.0.0.1:$proxy_port" "https://127.0.0.1:$fixed_port")
  h2+=(1 1)
else
  echo "nginx or wrk not installed: measuring onorder-mock-sp only" >&2
fi
order_path=/2.5/sp_spec/order/

# A curl config listing every order: url and data per transfer, the headers onorder sends.
curl_config() { # NDJSON URL FILE
  python3 - "$1" "$2" "$3" "$ca" "$USER_NAME:$ONORDER_PASSWORD" "onorder/$version" <<'PY'
import sys
src, url, dst, ca, user, agent = sys.argv[1:]
quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
blocks = []
with open(src, encoding="utf-8") as orders:
    for line in orders:
        blocks.append("\n".join([
            f"url = {quote(url)}", f"data-binary = {quote(line.rstrip(chr(10)))}",
            'header = "Content-Type: application/json"', 'header = "Accept: application/json"',
            f"user-agent = {quote(agent)}", f"user = {quote(user)}", f"cacert = {quote(ca)}",
            'output = "/dev/null"', 'write-out = "%{http_code}\\n"']))
with open(dst, "w", encoding="utf-8") as out:
    out.write("silent\nshow-error\n" + "\nnext\n".join(blocks) + "\n")
PY
}

# --- measuring -----------------------------------------------------------------------------------
# record SERVER CLIENT ORDERS_PER_S RSS_KIB NOTE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }

# timed SERVER CLIENT COUNT CHECK COMMAND… : runs COMMAND under /usr/bin/time; CHECK is
# "http200" (stdout has one status per order: all must be 200) or "exit0".
timed() {
  local server=$1 client=$2 count=$3 check=$4 start end status=0 note=""
  shift 4
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
  end=$(date +%s%N)
  local rate ok
  rate=$(python3 -c "import sys; print(int(sys.argv[1]) / ((int(sys.argv[3]) - int(sys.argv[2])) / 1e9))" "$count" "$start" "$end")
  if [ "$check" = http200 ]; then
    ok=$(grep -c '^200$' "$work/stdout" || true)
    [ "$ok" -eq "$count" ] || note="only $ok of $count answered 200"
  elif [ "$status" -ne 0 ]; then
    note="exit $status: $(tail -n 1 "$work/stderr" | cut -c1-80)"
  fi
  record "$server" "$client" "$rate" "$(tail -n 1 "$work/rss")" "$note"
}

loop_of_curl() { # URL NDJSON
  local line
  while IFS= read -r line; do
    curl -sS -o /dev/null -w '%{http_code}\n' --cacert "$ca" -u "$USER_NAME:$ONORDER_PASSWORD" \
      -H 'Content-Type: application/json' -H 'Accept: application/json' -A "onorder/$version" \
      --data-binary "$line" "$1"
  done <"$2"
}
export -f loop_of_curl
export ca USER_NAME version

cat >"$work/post.lua" <<'LUA'
local body = io.open(os.getenv("WRK_BODY")):read("*a")
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
LUA
export WRK_BODY="$work/one-order.json"
WRK_AUTH="Basic $(printf '%s' "$USER_NAME:$ONORDER_PASSWORD" | base64 -w0)"
export WRK_AUTH

for i in "${!servers[@]}"; do
  curl_config "$orders" "${urls[$i]}$order_path" "$work/curl-$i.conf"
done

echo "measuring: $RUNS runs × ${#servers[@]} servers, N=$N ($(nproc) cores)" >&2
for run in $(seq "$RUNS"); do
  for i in "${!servers[@]}"; do
    server=${servers[$i]} url=${urls[$i]}
    echo "run $run: $server" >&2
    if [ "$has_parallel" = 1 ]; then
      timed "$server" "onorder submit --parallel $PARALLEL" "$N" exit0 \
        "$onorder" submit --ndjson --parallel "$PARALLEL" --url "$url" --cacert "$ca" --user "$USER_NAME" "$orders"
      if [ "$has_journal" = 1 ]; then
        rm -f "$work/journal"
        timed "$server" "onorder submit --parallel $PARALLEL --journal" "$N" exit0 \
          "$onorder" submit --ndjson --parallel "$PARALLEL" --journal "$work/journal" --url "$url" \
          --cacert "$ca" --user "$USER_NAME" "$orders"
      fi
    else
      # This binary sends one order after another: measured on the sample, for the record.
      timed "$server" "onorder submit (sequential, this binary has no --parallel)" "$XARGS_SAMPLE" exit0 \
        "$onorder" submit --ndjson --url "$url" --cacert "$ca" --user "$USER_NAME" "$work/xargs-sample.ndjson"
    fi
    if [ "${h2[$i]}" = 1 ]; then
      timed "$server" "curl --parallel --parallel-max $PARALLEL (HTTP/2)" "$N" http200 \
        curl --http2 --parallel --parallel-max "$PARALLEL" --config "$work/curl-$i.conf"
    fi
    timed "$server" "curl --parallel --parallel-max $PARALLEL (HTTP/1.1)" "$N" http200 \
      curl --http1.1 --parallel --parallel-max "$PARALLEL" --config "$work/curl-$i.conf"
    timed "$server" "xargs -P 8 curl (measured on $XARGS_SAMPLE orders)" "$XARGS_SAMPLE" http200 \
      xargs -d '\n' -P 8 -I{} curl -sS -o /dev/null -w '%{http_code}\n' --cacert "$ca" \
      -u "$USER_NAME:$ONORDER_PASSWORD" -H 'Content-Type: application/json' \
      -H 'Accept: application/json' -A "onorder/$version" --data-binary {} "$url$order_path" \
      <"$work/xargs-sample.ndjson"
    timed "$server" "shell loop of curl (measured on $SAMPLE orders)" "$SAMPLE" http200 \
      bash -c 'loop_of_curl "$1" "$2"' loop "$url$order_path" "$work/sample.ndjson"
    /usr/bin/time -f %M -o "$work/rss" wrk -t 2 -c "$PARALLEL" -d "${WRK_SECONDS}s" \
      -s "$work/post.lua" "$url$order_path" >"$work/stdout" 2>&1 || true
    note=$(sed -n 's/^ *Non-2xx or 3xx responses: */non-2xx: /p' "$work/stdout")
    record "$server" "wrk -t2 -c$PARALLEL, one body (HTTP/1.1, ceiling)" \
      "$(sed -n 's/^Requests\/sec: *//p' "$work/stdout")" "$(tail -n 1 "$work/rss")" "$note"
  done
done

if [ "$N100K" = 1 ]; then
  last=$((${#servers[@]} - 1))
  client="onorder submit --parallel $PARALLEL, 100,000 orders"
  if [ "$has_parallel" = 1 ]; then
    big="$out/orders-100000.ndjson"
    [ -s "$big" ] && [ "$(wc -l <"$big")" -eq 100000 ] || python3 "$root/bench/gen_orders.py" 100000 "$big"
    for run in $(seq "$RUNS100K"); do
      echo "run $run: 100,000 orders" >&2
      timed "${servers[$last]}" "$client" 100000 exit0 \
        "$onorder" submit --ndjson --parallel "$PARALLEL" --url "${urls[$last]}" --cacert "$ca" \
        --user "$USER_NAME" "$big"
      if [ "$has_journal" = 1 ]; then
        rm -f "$work/journal"
        timed "${servers[$last]}" "onorder submit --parallel $PARALLEL --journal, 100,000 orders" 100000 exit0 \
          "$onorder" submit --ndjson --parallel "$PARALLEL" --journal "$work/journal" \
          --url "${urls[$last]}" --cacert "$ca" --user "$USER_NAME" "$big"
      fi
    done
  else
    record "${servers[$last]}" "$client" "" "" "n/a: this binary has no --parallel"
  fi
fi

# --- the table -----------------------------------------------------------------------------------
python3 - "$results" "$PARALLEL" "$N" "$RUNS" "$(nproc)" <<'PY'
import statistics, sys
from collections import OrderedDict
path, parallel, n, runs, cores = sys.argv[1:]
rows = OrderedDict()
for line in open(path, encoding="utf-8"):
    server, client, rate, rss, note = line.rstrip("\n").split("\t")
    row = rows.setdefault((server, client), {"rates": [], "rss": [], "notes": set()})
    if rate:
        row["rates"].append(float(rate))
    if rss:
        row["rss"].append(int(rss))
    if note:
        row["notes"].add(note)
rate = lambda row: statistics.median(row["rates"]) if row["rates"] else None
onorder = f"onorder submit --parallel {parallel}"
print(f"N = {int(n):,} orders over HTTPS, median of {runs} runs, {cores} cores, client and server on one machine; "
      "orders/s of the shell loop and of xargs measured on a sample and scaled to orders/s.\n")
print("| server | client | orders/s | peak RSS (MiB) | onorder ÷ this | onorder --journal ÷ this | notes |")
print("|---|---|--:|--:|--:|--:|---|")
best_curl = {}
for (server, client), row in rows.items():
    if client.startswith("curl --parallel") and rate(row):
        best_curl[server] = max(best_curl.get(server, 0), rate(row))
for (server, client), row in rows.items():
    mine, journal = rows.get((server, onorder)), rows.get((server, onorder + " --journal"))
    def ratio(of):
        if of is None or not rate(of) or not rate(row) or client.startswith("onorder") or "100,000" in client:
            return "n/a"
        return f"{rate(of) / rate(row):.2f}"
    figure = f"{rate(row):,.0f}" if rate(row) else "n/a"
    rss = f"{max(row['rss']) / 1024:.1f}" if row["rss"] else "n/a"
    notes = sorted(row["notes"])
    if client.startswith("curl --parallel") and rate(row) and rate(row) == best_curl.get(server):
        notes.insert(0, "best curl --parallel")
    print(f"| {server} | `{client}` | {figure} | {rss} | {ratio(mine)} | {ratio(journal)} | {'; '.join(notes)} |")
if not any(client == onorder for _, client in rows):
    print(f"\n`{onorder}`: n/a — this binary's `onorder submit --help` has no --parallel; "
          "the ratio columns fill in once it has.")
PY
