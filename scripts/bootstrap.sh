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
  libc6:arm64 libcmocka-dev:arm64 check:arm64 libgmp-dev:arm64
)

missing=()
for p in "${packages[@]}"; do
  # one line per installed architecture of p; every one must be installed
  status=$(dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | sort -u || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# The AArch64 test build links arm64 builds of the test libraries.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64 || { echo "bootstrap: cannot add the arm64 architecture" >&2; exit 1; }
fi
if ! $sudo apt-get update -qq >/tmp/hypsec-bootstrap.log 2>&1 ||
   ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/hypsec-bootstrap.log 2>&1; then
  echo "bootstrap: apt-get failed installing: ${missing[*]}" >&2
  tail -n 30 /tmp/hypsec-bootstrap.log >&2
  exit 1
fi
echo "bootstrap: installed ${#missing[@]} package(s)" >&2
