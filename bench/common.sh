# Shared by the benchmark scripts: build the release binaries, make test certificates.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out"
mkdir -p "$out"
bin="$root/build/release"

build_release() {
  bash "$root/scripts/install-deps.sh"
  for tool in hyperfine; do
    command -v "$tool" >/dev/null || apt-get install -y -qq "$tool" >/dev/null
  done
  cmake --preset release -S "$root" >/dev/null
  cmake --build "$root/build/release" -j "$(nproc)" --target onorder onorder-mock-sp >/dev/null
}

make_certificates() {
  [ -f "$out/server.pem" ] && return
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/server.key" -out "$out/server.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
}

# start_mock ARGS… : starts onorder-mock-sp, sets $mock_pid and $mock_url
start_mock() {
  local ready="$out/mock.ready"
  "$bin/onorder-mock-sp" --port 0 --quiet "$@" >"$ready" &
  mock_pid=$!
  for _ in $(seq 200); do grep -q listening "$ready" 2>/dev/null && break; sleep 0.05; done
  mock_url=$(sed -n 's/^listening on //p' "$ready")
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
