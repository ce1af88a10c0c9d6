#!/usr/bin/env bash
# Placeholder replaced by the namespace backend work: builds the sandbox helper into $1.
set -euo pipefail
mkdir -p "$1"
