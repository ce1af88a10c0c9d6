#!/usr/bin/env bash
# Builds the native helpers into the classes directory $1; run by Maven at generate-resources:
#   io/runcell/driver/namespace/native/runcell-sandbox   the namespace backend's helper (runcell-sandbox.c)
#   io/runcell/driver/microvm/guest/sandbox-exec         the microvm guest's exec wrapper (sandbox-exec.c), linked
#                                                        statically: the guest has only its own small /rc libraries;
#                                                        with musl (musl-tools) when it is there, since every
#                                                        execution starts it and glibc's static start-up costs
#                                                        ~2.5 ms more per start under TCG
#   io/runcell/driver/microvm/guest/sandbox-launcher     the microvm guest's resident exec launcher (sandbox-launcher.c),
#                                                        static, with musl like the wrapper
#   io/runcell/driver/microvm/guest/guest-resume         run in a VM restored from a snapshot (guest-resume.c), static
set -euo pipefail
classes="${1:?usage: build.sh CLASSES_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v gcc >/dev/null 2>&1; then
  echo "build.sh: gcc not found; the native helpers (runcell-sandbox, sandbox-exec) need a C compiler (apt-get install gcc)" >&2
  exit 1
fi
build() { # SOURCE OUTPUT [GCC FLAGS...]   (CC overrides gcc)
  local src="$here/$1" out="$classes/$2"; shift 2
  mkdir -p "$(dirname "$out")"
  "${CC:-gcc}" -O2 -Wall -Wextra -Werror -std=gnu11 "$@" -o "$out.tmp" "$src"
  mv -f "$out.tmp" "$out"
}
build runcell-sandbox.c io/runcell/driver/namespace/native/runcell-sandbox
# Without a static libc the namespace backend still works; the microvm backend then fails on first use, saying why.
if echo 'int main(void){return 0;}' | gcc -static -x c -o /dev/null - 2>/dev/null; then
  if command -v musl-gcc >/dev/null 2>&1; then
    CC=musl-gcc build sandbox-exec.c io/runcell/driver/microvm/guest/sandbox-exec -static -s
    CC=musl-gcc build sandbox-launcher.c io/runcell/driver/microvm/guest/sandbox-launcher -static -s
  else
    echo "build.sh: musl-gcc not found (apt-get install musl-tools): the microvm exec wrapper is linked with glibc," \
         "which starts ~2.5 ms slower per execution under TCG" >&2
    build sandbox-exec.c io/runcell/driver/microvm/guest/sandbox-exec -static -s
    build sandbox-launcher.c io/runcell/driver/microvm/guest/sandbox-launcher -static -s
  fi
  # run once per snapshot restore, and it needs the kernel's <linux/random.h>, which musl-gcc does not see
  build guest-resume.c io/runcell/driver/microvm/guest/guest-resume -static -s
else
  rm -f "$classes/io/runcell/driver/microvm/guest/sandbox-exec" "$classes/io/runcell/driver/microvm/guest/guest-resume" \
        "$classes/io/runcell/driver/microvm/guest/sandbox-launcher"
  echo "build.sh: WARNING: gcc cannot link statically (no libc.a), so the microvm guest's helpers are not built" \
       "and the microvm backend cannot run (apt-get install libc6-dev)" >&2
fi
