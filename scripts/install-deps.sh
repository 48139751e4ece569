#!/usr/bin/env bash
# Installs the Debian packages onorder needs to build and test, when any is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libcurl4-openssl-dev libcli11-dev nlohmann-json3-dev libfmt-dev doctest-dev libcpp-httplib-dev
  libtomlplusplus-dev clang-format
  libssl-dev openssl curl python3 libxml2-utils
  # HTTP/2 in the e2e tests (nginx in front of onorder-mock-sp, nghttp) and bench/batch.sh
  nginx nghttp2-client wrk time
  # HTTP/2 streams refused or reset on a connection in use (tests/e2e/h2front.py, run by Debian's
  # python3)
  python3-h2
  # The Debian package and the installed files (tests/e2e/test_install.py): cpack -G DEB, lintian,
  # groff's man page warnings, and the bash and zsh completions
  dpkg-dev lintian groff-base man-db bash-completion zsh binutils
  # libFuzzer (fuzz/run.sh, the fuzz preset: clang with its runtime; llvm for llvm-symbolizer)
  clang libclang-rt-14-dev llvm
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
