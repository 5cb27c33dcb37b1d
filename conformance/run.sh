#!/usr/bin/env bash
# Runs the PocketBase conformance suite against a freshly started Hivelite cluster.
#   bash conformance/run.sh                      # every test file
#   CONFORMANCE_ONLY='records*' bash conformance/run.sh   # test/*.test.mjs files matching the glob(s);
#                                                          several globs: 'health*,superusers*'
# Exit code: npm test's (non-zero when a test fails), or 1 when the server could not be started.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/coordinator/target/coordinator.jar"

# shellcheck source=../scripts/jdk.sh
source "$(dirname "$0")/../scripts/jdk.sh"   # exports JAVA_HOME (JDK >= 21) and puts it on PATH

if [ ! -f "$JAR" ]; then
  echo "conformance: $JAR is missing; build it first (./mvnw -q -DskipTests package)." >&2
  exit 1
fi
command -v node >/dev/null || { echo "conformance: node (>= 20) is required" >&2; exit 1; }

cd "$HERE"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
PORT=$(free_port)
MPORT=$(free_port)
while [ "$MPORT" = "$PORT" ]; do MPORT=$(free_port); done

export HIVELITE_ADMIN_EMAIL=conformance@example.com
export HIVELITE_ADMIN_PASSWORD=conformance-pass-1
export HIVELITE_URL="http://127.0.0.1:$PORT"
export HIVELITE_MANAGEMENT_URL="http://127.0.0.1:$MPORT"   # the failover test reads worker pids there

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hivelite-conformance.XXXXXX")
DATA_DIR="$WORK_DIR/data"
LOG="$WORK_DIR/server.log"
mkdir -p "$DATA_DIR"
# Run a private copy of the jar: workers are started from the coordinator's jar, and a rebuild of
# coordinator/target during the run must not swap classes under them.
cp "$JAR" "$WORK_DIR/coordinator.jar"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # the coordinator SIGKILLs its workers after its stop timeout (30 s by default)
    for _ in $(seq 1 400); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "conformance: coordinator $SERVER_PID did not stop in 40 s; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -f "$LOG" ]; then
    local kept
    kept=$(mktemp "${TMPDIR:-/tmp}/hivelite-conformance-server.XXXXXX.log")
    cp "$LOG" "$kept" && echo "conformance: server log kept at $kept" >&2
  fi
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "conformance: starting Hivelite on $HIVELITE_URL (management 127.0.0.1:$MPORT, data $DATA_DIR)"
java -jar "$WORK_DIR/coordinator.jar" --http "127.0.0.1:$PORT" --management "127.0.0.1:$MPORT" --workers 2 --dir "$DATA_DIR" \
  >"$LOG" 2>&1 &
SERVER_PID=$!

# Wait (at most 60 s) for every worker to be ready and for the superuser login to work.
ready=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "conformance: the coordinator exited during start; its log:" >&2
    tail -n 50 "$LOG" >&2 || true
    exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$MPORT/_/health" 2>/dev/null &&
    curl -fsS -o /dev/null -X POST "$HIVELITE_URL/api/collections/_superusers/auth-with-password" \
      -H 'Content-Type: application/json' \
      -d "{\"identity\":\"$HIVELITE_ADMIN_EMAIL\",\"password\":\"$HIVELITE_ADMIN_PASSWORD\"}" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "conformance: Hivelite was not ready within 60 s; management health and log tail:" >&2
  curl -sS "http://127.0.0.1:$MPORT/_/health" >&2 || true
  echo >&2
  tail -n 50 "$LOG" >&2 || true
  exit 1
fi
echo "conformance: cluster ready; running the suite"

set +e
if [ -n "${CONFORMANCE_ONLY:-}" ]; then
  shopt -s nullglob
  files=()
  IFS=', ' read -r -a patterns <<<"$CONFORMANCE_ONLY"
  for pattern in "${patterns[@]}"; do
    # shellcheck disable=SC2206  # the glob is meant to expand
    for f in test/$pattern; do
      case "$f" in *.test.mjs) files+=("$f") ;; esac
    done
  done
  shopt -u nullglob
  if [ "${#files[@]}" -eq 0 ]; then
    echo "conformance: CONFORMANCE_ONLY='$CONFORMANCE_ONLY' matches no file under test/" >&2
    exit 1
  fi
  node --test --test-concurrency=1 "${files[@]}"
else
  npm test
fi
status=$?
set -e
exit "$status"
