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
# 'use_database paybridge_test fresh' drops and creates that database first: tests start empty, as
# on a new machine, whatever a run of another branch left (its migrations stop Flyway at start).
# A database given by QUARKUS_DATASOURCE_REACTIVE_URL is the caller's own and never dropped.
use_database() {
  export PAYBRIDGE_PG_DB=${1:-${PAYBRIDGE_PG_DB:-paybridge}}
  local how=${2:-start}
  if [ -n "${QUARKUS_DATASOURCE_REACTIVE_URL:-}" ]; then
    return 0
  fi
  if docker_available; then
    echo "Docker is available: Quarkus Dev Services will start PostgreSQL" >&2
    return 0
  fi
  "$(dirname "${BASH_SOURCE[0]}")/pg" "$how"
  eval "$("$(dirname "${BASH_SOURCE[0]}")/pg" env)"
}

# Builds target/quarkus-app (tests skipped; extra arguments go to Maven). With JDK 25 the package's
# AOT cache is trained against a throwaway database, paybridge_aot of scripts/pg's cluster, created
# anew (src/build/AotTraining.java): a start from that cache loads Flyway's, the JDBC driver's and the
# reactive client's classes from it too. Without a local cluster (Docker's Dev Services instead),
# the training runs without a database, as a plain `./mvnw package` does.
package_app() {
  local training=()
  if ! docker_available; then
    PAYBRIDGE_PG_DB=paybridge_aot "$(dirname "${BASH_SOURCE[0]}")/pg" fresh >/dev/null
    training=(-Dpaybridge.aot.training.database="postgresql://127.0.0.1:${PAYBRIDGE_PG_PORT:-55432}/paybridge_aot")
  fi
  ./mvnw -B -q package -DskipTests "${training[@]}" "$@"
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

# Runs the Maven build of a test command; when it fails, ends the output with why each failing test
# failed (its exception and deepest cause, from Maven's reports): the end of the output is all that
# a CI page may show, and Maven's own summary names only "Failed to start quarkus".
verify_and_explain() {
  local status=0
  ./mvnw -B "$@" || status=$?
  if [ "$status" -ne 0 ]; then
    explain_failures
  fi
  return "$status"
}

explain_failures() {
  local reports
  reports=$(grep -l -E '<<< (FAILURE|ERROR)!' target/surefire-reports/*.txt target/failsafe-reports/*.txt 2>/dev/null | head -n 5 || true)
  [ -n "$reports" ] || return 0
  echo "== Why the tests failed (at most 5 classes, 2 tests each; whole reports in target/*-reports) =="
  # shellcheck disable=SC2086
  awk '
    function flush() { if (cause != "") print "    " substr(cause, 1, 300); if (detail != "") print "      " substr(detail, 1, 300); cause = ""; detail = "" }
    FNR == 1 { flush(); shown = 0; name = "" }
    / <<< (ERROR|FAILURE)!$/ && !/^Tests run:/ {
      flush(); name = $1; shown++; first = 1
      if (shown <= 2) print name
      next
    }
    shown == 0 || shown > 2 { next }
    # The exception and up to four lines of its message, up to the stack trace.
    first > 0 && /^\tat / { first = 0 }
    first > 0 { if ($0 != "") { print "    " substr($0, 1, 300); first = (first < 5) ? first + 1 : 0 }; next }
    /^Caused by: / { cause = $0; takeDetail = 1; detail = ""; next }
    takeDetail { if ($0 !~ /^\t/) detail = $0; takeDetail = 0 }
    END { flush() }
  ' $reports
}
