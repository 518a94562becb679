#!/bin/sh
# The test launcher of the AArch64 build (CMAKE_CROSSCOMPILING_EMULATOR of
# cmake/aarch64-linux-gnu.cmake): ctest runs every test command through it.
#   aarch64-run.sh PROGRAM ARGS...
# An AArch64 program runs under qemu-aarch64. Any other program (CMake also
# puts the launcher in front of imported host tools such as
# Python3::Interpreter) runs as it is; each of its arguments that is an
# AArch64 program is replaced by a small shell script that runs it under
# qemu-aarch64, so that a test script which starts the program it is given
# (tests/cli_test.py, tests/vectors_tamper.py) works without binfmt_misc.
# qemu-aarch64 takes the loader and libc from Debian's libc6:arm64 when it is
# installed (the arm64 test dependencies pull it in): under qemu-user 7.2 a
# child forked by a program running on the cross sysroot's libc
# (libc6-arm64-cross 2.36-8cross1) never runs, which hangs every test that
# checks an abort in a child process. Without libc6:arm64 the cross sysroot
# serves (QEMU_LD_PREFIX, qemu-aarch64's -L); a QEMU_LD_PREFIX already set wins.
set -eu

if [ -z "${QEMU_LD_PREFIX:-}" ] && [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
    QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
    export QEMU_LD_PREFIX
fi

# An ELF file for AArch64: 64-bit, little-endian, e_machine 183 (0xb7).
is_aarch64() {
    [ -f "$1" ] || return 1
    head -c 20 "$1" 2>/dev/null | od -An -v -tx1 | tr -d ' \n' |
        grep -q '^7f454c460201.\{24\}b700$'
}

# The shim that runs AArch64 program $1 under qemu-aarch64; prints its path.
shim_for() {
    prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    dir=${TMPDIR:-/tmp}/hypsec-aarch64-shims-$(id -u)$(dirname "$prog")
    shim=$dir/$(basename "$prog")
    mkdir -p "$dir"
    if [ ! -x "$shim" ]; then
        tmp=$shim.$$
        printf '#!/bin/sh\nexec qemu-aarch64 "%s" "$@"\n' "$prog" >"$tmp"
        chmod +x "$tmp"
        mv -f "$tmp" "$shim"
    fi
    printf '%s\n' "$shim"
}

if [ $# -eq 0 ]; then
    echo "usage: aarch64-run.sh PROGRAM ARGS..." >&2
    exit 2
fi

if is_aarch64 "$1"; then
    exec qemu-aarch64 "$@"
fi

n=$#
for arg in "$@"; do
    if is_aarch64 "$arg"; then
        arg=$(shim_for "$arg")
    fi
    set -- "$@" "$arg"
done
shift "$n"
exec "$@"
