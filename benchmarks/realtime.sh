#!/usr/bin/env bash
# Realtime under load (issue 5), 2 workers: SUBSCRIBERS (10,000) SSE subscribers spread by the kernel,
# ROUNDS (5) single writes 1.5 s apart, for each the time until all have the event (p50/p99/max); events/s with 1,000 subscribers and 2,000
# writes; worker memory per connection. Loopback only; every step is bounded.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
SUBSCRIBERS=${SUBSCRIBERS:-10000}
ulimit -n 65536 2>/dev/null || true
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
worker_pids() { curl -s "127.0.0.1:$MGMT_PORT/_/health" | json '" ".join(str(w["pid"]) for w in d["workers"])'; }
rss_total() { # sets RSS to the KiB of the workers $PIDS, read by bash alone (no process started): the sampler runs during the rounds it measures
  local p k v _
  RSS=0
  for p in $PIDS; do
    while read -r k v _; do [ "$k" = VmRSS: ] && RSS=$((RSS + v)); done < /proc/$p/status
  done
  return 0 # the loop's last test failed (set -e)
}
dir=$(new_data_dir)
start_cluster 2 --dir "$dir/data" ${EXTRA_FLAGS:-}
base="http://127.0.0.1:$HTTP_PORT"
su=$(superuser_token "$base")
curl -s -o /dev/null -X POST "$base/api/collections" -H "Authorization: $su" -H 'Content-Type: application/json' \
  -d '{"name":"feed","listRule":"","viewRule":"","fields":[{"name":"title","type":"text"}]}'
# Warm the write and delivery paths, as in a server that has run a while (the first fan-out below still
# meets 10,000 fresh streams): 5,000 events reach each of 50 subscribers, twice. In the first pass the
# streams open before delivery is hot, so the JIT compiles delivery as if no stream ever opened, and the
# next stream to open throws that code away (a deoptimization; JFR showed the recompile, 130-450 ms of a
# worker's compiler, landing in the first fan-out). The second pass opens streams into compiled code.
for pass in 1 2; do
  "$JAVA_HOME/bin/java" "$here/RealtimeLoad.java" "$base" "$su" feed 50 rate 5000 >/dev/null || true
done
PIDS=$(worker_pids)
rss_total; before=$RSS
peak=$before
( while true; do rss_total; [ "$RSS" -gt "$peak" ] && peak=$RSS && echo "$peak" > "$dir/peak"; sleep 0.5; done ) &
SAMPLER=$!
echo "$before" > "$dir/peak"
fanout=$(SETTLE_PIDS="${SETTLE_PIDS-$PIDS}" "$JAVA_HOME/bin/java" -Xss256k "$here/RealtimeLoad.java" "$base" "$su" feed "$SUBSCRIBERS" fanout "${ROUNDS:-5}") || true
kill $SAMPLER 2>/dev/null || true
peak=$(cat "$dir/peak")
echo "fanout:"; echo "$fanout"
echo "worker RSS: before ${before} KiB, peak ${peak} KiB with $SUBSCRIBERS connections: $(( (peak - before) * 1024 / SUBSCRIBERS )) bytes per connection"
sleep 2
rate=$("$JAVA_HOME/bin/java" "$here/RealtimeLoad.java" "$base" "$su" feed 1000 rate 2000) || true
echo "rate: $rate"
stop_cluster
rm -rf "$dir"
