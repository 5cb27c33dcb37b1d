#!/usr/bin/env bash
# Rolling restart under load: 2 workers, wrk on /_/health, a rolling restart after 5 s; counts failed
# requests (socket errors + non-2xx). Env: DURATION (s, default 40), CONNECTIONS (32),
# MIGRATE_REQ=0|1 (as root: set net.ipv4.tcp_migrate_req for this run and restore it after).
. "$(dirname "$0")/lib.sh"
if [ -n "${MIGRATE_REQ:-}" ]; then
  previous=$(cat /proc/sys/net/ipv4/tcp_migrate_req)
  echo "$MIGRATE_REQ" > /proc/sys/net/ipv4/tcp_migrate_req
  trap 'cleanup; echo "$previous" > /proc/sys/net/ipv4/tcp_migrate_req' EXIT
fi
DURATION=${DURATION:-40}; CONNECTIONS=${CONNECTIONS:-32}
start_cluster 2
pids() { curl -s "127.0.0.1:$MGMT_PORT/_/health" | python3 -c 'import json,sys; print(" ".join(str(w["pid"]) for w in json.load(sys.stdin)["workers"]))'; }
before=$(pids)
out=$(mktemp); SCRATCH=$out
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$HTTP_PORT/_/health" >"$out" &
wrk_pid=$!
LOAD_PID=$wrk_pid
sleep 5
start=$(date +%s.%N)
curl -s -o /dev/null -X POST "127.0.0.1:$MGMT_PORT/_/workers/restart"
while :; do
  health=$(curl -s "127.0.0.1:$MGMT_PORT/_/health")
  rolling=$(echo "$health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollingRestart"])')
  # Done when no rolling restart runs and none of the old pids is left.
  if [ "$rolling" = "False" ] && python3 -c 'import sys; old=set(sys.argv[1].split()); new=set(sys.argv[2].split()); sys.exit(0 if new and not (old & new) else 1)' "$before" "$(pids)"; then
    break
  fi
  if (( $(echo "$(date +%s.%N) - $start > 120" | bc) )); then
    echo "rolling-restart: FAILED, the rolling restart did not finish in 120 s" >&2
    exit 1
  fi
  sleep 0.2
done
took=$(echo "$(date +%s.%N) - $start" | bc)
after_pids=$(pids)
if (( $(echo "5 + $took > $DURATION - 2" | bc) )); then
  echo "rolling-restart: WARNING, the restart ended less than 2 s before wrk stopped: raise DURATION so the load covers it" >&2
fi
wait "$wrk_pid"
read -r rps p50 p99 errors total < <(wrk_summary "$out")
grep -E "Socket errors|Non-2xx" "$out" >&2 || true
migrate=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo n/a)
stop_cluster; rc=$STOP_RC
printf "| tcp_migrate_req | requests | failed | failed %% | req/s | p99 | restart took (s) | pids before → after | exit |\n"
printf "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
printf "| %s | %s | %s | %.4f | %s | %s | %.1f | %s → %s | %s |\n" "$migrate" "$total" "$errors" \
  "$(echo "100 * $errors / $total" | bc -l)" "$rps" "$p99" "$took" "$before" "$after_pids" "$rc" 2>/dev/null || true
rm -f "$out"
