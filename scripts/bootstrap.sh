#!/usr/bin/env bash
# Install every Debian package the build, the tests and the tooling need.
# Idempotent: quiet when nothing is missing; loud and non-zero when an install fails.
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3 git
  libcmocka-dev check libgmp-dev
  lcov valgrind clang libclang-rt-14-dev
  coq ocaml-nox ocaml-findlib libzarith-ocaml-dev
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user qemu-system-arm
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get update -qq >/tmp/hypsec-bootstrap.log 2>&1 ||
   ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/hypsec-bootstrap.log 2>&1; then
  echo "bootstrap: apt-get failed installing: ${missing[*]}" >&2
  tail -n 30 /tmp/hypsec-bootstrap.log >&2
  exit 1
fi
echo "bootstrap: installed ${#missing[@]} package(s)" >&2
