# Cross-compiling for AArch64 Linux with Debian's gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross; tests run under qemu-aarch64 (Debian qemu-user)
# through cmake/aarch64-run.sh.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# The test dependencies come from Debian's multiarch packages
# (libcmocka-dev:arm64 check:arm64 libgmp-dev:arm64, see docs/aarch64.md).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(HS_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${HS_CROSS_TRIPLE}-gcc)
set(CMAKE_ASM_COMPILER ${HS_CROSS_TRIPLE}-gcc)
set(CMAKE_AR ${HS_CROSS_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${HS_CROSS_TRIPLE}-ranlib CACHE FILEPATH "")

# ctest runs every test command through cmake/aarch64-run.sh: AArch64
# programs under qemu-aarch64, host tools (CMake puts the emulator in front of
# imported executables too, e.g. Python3::Interpreter) natively, with the
# AArch64 programs they are given wrapped for qemu-aarch64. The script also
# picks the loader and libc qemu-aarch64 uses (see there).
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/aarch64-run.sh)

# Libraries and headers only from the cross sysroot and the arm64 multiarch
# directories; programs (python3, pkg-config) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${HS_CROSS_TRIPLE} /)
set(CMAKE_LIBRARY_ARCHITECTURE ${HS_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${HS_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
