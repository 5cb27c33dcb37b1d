#!/usr/bin/env bash
# GET /_/health with wrk, 1 and 2 workers. Env: DURATION (s, default 15), CONNECTIONS (64), THREADS (2).
. "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-15}; CONNECTIONS=${CONNECTIONS:-64}; THREADS=${THREADS:-2}
echo "| workers | req/s | p50 | p99 | errors | coordinator exit |"
echo "| --- | --- | --- | --- | --- | --- |"
for workers in 1 2; do
  start_cluster "$workers"
  out=$(mktemp)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$HTTP_PORT/_/health" >/dev/null   # warm-up
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$HTTP_PORT/_/health" >"$out"
  read -r rps p50 p99 errors _ < <(wrk_summary "$out")
  stop_cluster; rc=$STOP_RC
  echo "| $workers | $rps | $p50 | $p99 | $errors | $rc |"
  rm -f "$out"
done
