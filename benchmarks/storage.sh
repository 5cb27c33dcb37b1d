#!/usr/bin/env bash
# The storage layer's writes without HTTP (StorageWrites.java): THREADS (16) writers inserting into one
# SQLite file for DURATION (10) s, through one SqliteDatabase (and with half the threads), two in one
# process, and two processes (each told half the cores, as the coordinator tells two workers):
# inserts/s and CPU µs per insert.
# A fresh file with 10,000 rows for each; ROUNDS (2) times each, in turn.
set -euo pipefail
bench_root=$(cd "$(dirname "$0")/.." && pwd)
. "$bench_root/scripts/jdk.sh"
JAR=${HIVELITE_JAR:-$bench_root/coordinator/target/coordinator.jar}
[ -f "$JAR" ] || { echo "benchmarks: $JAR not found; build it first (./hivelite --version)" >&2; exit 1; }
THREADS=${THREADS:-16}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-2}
half=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
# sw "JVM OPTIONS" ARGS…: StorageWrites on the benchmark's file.
sw() {
  local opts=$1; shift
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $opts --enable-native-access=ALL-UNNAMED -cp "$JAR" "$bench_root/benchmarks/StorageWrites.java" "$dir/data.db" "$@" 2>/dev/null
}
fresh() { rm -f "$dir"/data.db*; sw "" seed; }
row() { echo "| $1 | $(sed -E 's/inserts_per_second=([0-9]+) cpu_us_per_insert=([0-9.]+)/\1 | \2/') |"; }
echo "| writers | inserts/s | CPU µs per insert |"
echo "| --- | --- | --- |"
for _ in $(seq 1 "$ROUNDS"); do
  fresh; sw "" "$THREADS" "$DURATION" 1 | row "one SqliteDatabase, $THREADS threads"
  fresh; sw "" $(( THREADS / 2 )) "$DURATION" 1 | row "one SqliteDatabase, $(( THREADS / 2 )) threads"
  fresh; sw "" "$THREADS" "$DURATION" 2 | row "two SqliteDatabases in one process, $THREADS threads"
  fresh
  sw "-XX:ActiveProcessorCount=$half" $(( THREADS / 2 )) "$DURATION" 1 >"$dir/p1" &
  sw "-XX:ActiveProcessorCount=$half" $(( THREADS / 2 )) "$DURATION" 1 >"$dir/p2"
  wait
  # Summed: inserts/s of both, and CPU per insert weighted by each one's inserts.
  cat "$dir/p1" "$dir/p2" | python3 -c '
import re, sys
rows = [[float(v) for v in re.findall(r"=([0-9.]+)", line)] for line in sys.stdin if "=" in line]
total = sum(r[0] for r in rows)
print("inserts_per_second=%.0f cpu_us_per_insert=%.1f" % (total, sum(r[0] * r[1] for r in rows) / total))' \
    | row "two processes, $(( THREADS / 2 )) threads each"
done
