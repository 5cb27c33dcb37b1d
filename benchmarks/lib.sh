# Shared by the benchmark scripts: find the jar and a JDK, start/stop a cluster on free loopback ports.
# Nothing here builds: run ./hivelite or ./mvnw package first.
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$bench_root/scripts/jdk.sh"
JAR=${HIVELITE_JAR:-$bench_root/coordinator/target/coordinator.jar}
[ -f "$JAR" ] || { echo "benchmarks: $JAR not found; build it first (./hivelite --version)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "benchmarks: wrk not found (apt-get install -y wrk)" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# new_data_dir: prints a fresh folder whose data/ holds superuser bench@example.com (bench-password).
new_data_dir() {
  local d; d=$(mktemp -d)
  "$JAVA_HOME/bin/java" -jar "$JAR" superuser upsert bench@example.com bench-password --dir "$d/data" >/dev/null
  echo "$d"
}

# superuser_token BASE_URL: a token of that superuser.
superuser_token() {
  curl -s -X POST "$1/api/collections/_superusers/auth-with-password" -H 'Content-Type: application/json' \
    -d '{"identity":"bench@example.com","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# user_token BASE_URL SUPERUSER_TOKEN: creates the auth collection "users" (public rules) with one user,
# u@example.com, and prints a token of that user.
user_token() {
  curl -s -o /dev/null -X POST "$1/api/collections" -H "Authorization: $2" -H 'Content-Type: application/json' -d '{
    "name":"users","type":"auth","authRule":"","listRule":"","viewRule":""}'
  curl -s -o /dev/null -X POST "$1/api/collections/users/records" -H 'Content-Type: application/json' \
    -H "Authorization: $2" -d '{"email":"u@example.com","password":"user-password","passwordConfirm":"user-password"}'
  curl -s -X POST "$1/api/collections/users/auth-with-password" -H 'Content-Type: application/json' \
    -d '{"identity":"u@example.com","password":"user-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

CLUSTER_PID=""
CLUSTER_DIR=""
cleanup() {
  if [ -n "$CLUSTER_PID" ] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
    kill -TERM "$CLUSTER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$CLUSTER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$CLUSTER_PID" 2>/dev/null || true
  fi
  [ -n "$CLUSTER_DIR" ] && rm -rf "$CLUSTER_DIR"
  CLUSTER_PID=""; CLUSTER_DIR=""
  [ -n "${SCRATCH:-}" ] && rm -f "$SCRATCH"
  [ -n "${LOAD_PID:-}" ] && kill "$LOAD_PID" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # Ctrl-C stops at once; the EXIT trap cleans up

# start_cluster WORKERS [extra flags…]: sets HTTP_PORT, MGMT_PORT, CLUSTER_PID; waits for health 200 (60 s).
# WORKER_JVM_OPTS, when set, is passed whole as --worker-jvm-opts (several options, space-separated).
start_cluster() {
  local workers=$1; shift
  HTTP_PORT=$(free_port); MGMT_PORT=$(free_port)
  CLUSTER_DIR=$(mktemp -d)
  [ -n "${WORKER_JVM_OPTS:-}" ] && set -- "$@" --worker-jvm-opts "$WORKER_JVM_OPTS"
  "$JAVA_HOME/bin/java" -jar "$JAR" --http "127.0.0.1:$HTTP_PORT" --management "127.0.0.1:$MGMT_PORT" \
    --workers "$workers" --dir "$CLUSTER_DIR/data" "$@" >"$CLUSTER_DIR/log" 2>&1 &
  CLUSTER_PID=$!
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$MGMT_PORT/_/health")" = 200 ] && return 0
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$CLUSTER_DIR/log" >&2; return 1; }
    sleep 0.2
  done
  echo "benchmarks: cluster not healthy in 60 s" >&2; tail -20 "$CLUSTER_DIR/log" >&2; return 1
}

# stop_cluster: SIGTERM, wait; sets STOP_RC to the coordinator's exit code.
stop_cluster() {
  kill -TERM "$CLUSTER_PID"
  STOP_RC=0
  wait "$CLUSTER_PID" || STOP_RC=$?
  CLUSTER_PID=""
  rm -rf "$CLUSTER_DIR"; CLUSTER_DIR=""
}

# wrk_summary FILE: "req/s p50 p99 errors" from wrk --latency output (errors = socket errors + non-2xx/3xx).
wrk_summary() {
  awk '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    /Socket errors/ { gsub(",", ""); errs += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx/ { errs += $5 }
    /requests in/ { total = $1 }
    END { printf "%s %s %s %d %s\n", rps, p50, p99, errs, total }' "$1"
}
