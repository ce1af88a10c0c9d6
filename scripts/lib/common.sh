# Shared by ./runcell and ./scripts/test. Sourced, not run.

# Prints the path of a JDK >= 21: $JAVA_HOME first, then the newest under /usr/lib/jvm.
runcell_find_jdk() {
  local candidates=() c v best="" bestv=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
    v=${v%%.*}
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ "$v" -ge 21 ]; then
      # JAVA_HOME wins when it qualifies; otherwise the newest
      if [ "$c" = "${JAVA_HOME:-}" ]; then echo "$c"; return 0; fi
      if [ "$v" -gt "$bestv" ]; then best=$c; bestv=$v; fi
    fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}

runcell_require_jdk() {
  local jdk
  if ! jdk=$(runcell_find_jdk); then
    echo "runcell: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "runcell: install one, e.g. a Temurin JDK 21+ (Debian 12 has no openjdk-21 package), and set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME=$jdk
  export PATH="$JAVA_HOME/bin:$PATH"
}

# runcell_ensure_packages CMD:PKG ...  installs missing Debian packages as root, or prints the command and fails.
# CMD is a command looked up on PATH, or an absolute path that must exist.
runcell_ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [ -e "$cmd" ] || missing+=("$pkg")   # a file, e.g. a static library
    else command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "runcell: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "runcell: missing system packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
}
