#!/usr/bin/env bash
# Builds the namespace backend's helper (runcell-sandbox.c) into $1/runcell-sandbox; run by Maven at generate-resources.
set -euo pipefail
out="${1:?usage: build.sh OUTPUT_DIR}"
src="$(cd "$(dirname "$0")" && pwd)/runcell-sandbox.c"
if ! command -v gcc >/dev/null 2>&1; then
  echo "build.sh: gcc not found; the namespace driver's helper (runcell-sandbox) needs a C compiler (apt-get install gcc)" >&2
  exit 1
fi
mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out/runcell-sandbox.tmp" "$src"
mv -f "$out/runcell-sandbox.tmp" "$out/runcell-sandbox"
