# Shared by the run and test commands: a JDK new enough for the build, and a PostgreSQL.
# Sourced, not run.

# The build targets Java 21; use the newest JDK on the machine when JAVA_HOME is not set.
if [ -z "${JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* \
                   /usr/lib/jvm/temurin-21* /usr/lib/jvm/java-21*; do
    if [ -x "$candidate/bin/javac" ]; then
      export JAVA_HOME=$candidate
      break
    fi
  done
fi

docker_available() {
  [ -z "${PAYBRIDGE_NO_DOCKER:-}" ] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

# With a Docker engine Quarkus Dev Services provides PostgreSQL; without one, a local cluster does,
# with a database of the caller's: use_database paybridge (development) or paybridge_test (tests).
use_database() {
  export PAYBRIDGE_PG_DB=${1:-${PAYBRIDGE_PG_DB:-paybridge}}
  if [ -n "${QUARKUS_DATASOURCE_REACTIVE_URL:-}" ]; then
    return 0
  fi
  if docker_available; then
    echo "Docker is available: Quarkus Dev Services will start PostgreSQL" >&2
    return 0
  fi
  "$(dirname "${BASH_SOURCE[0]}")/pg" start
  eval "$("$(dirname "${BASH_SOURCE[0]}")/pg" env)"
}

# The operator console's tests (src/test/java/io/paybridge/console) drive Debian's headless Chromium
# through chromedriver. Installed here when missing, as root and quietly; otherwise say what is needed.
ensure_chromium() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    return
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing chromium and chromium-driver for the console tests..." >&2
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }; then
      return
    fi
  fi
  echo "scripts/test: the console tests need /usr/bin/chromium and /usr/bin/chromedriver;" \
    "install them with: apt-get install chromium chromium-driver (as root)" >&2
  exit 1
}
