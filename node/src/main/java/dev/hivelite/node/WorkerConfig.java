package dev.hivelite.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Everything one worker needs to start, as the coordinator passes it on the worker's command line
 * ({@link #toArgs()} and {@link #parse(List)} are inverses). Users do not write this by hand.
 *
 * @param workerId         the slot id, 1..N; a replacement keeps its predecessor's id
 * @param host             public address, shared by every worker through SO_REUSEPORT
 * @param port             public port
 * @param privatePort      loopback port of this worker's probes and metrics
 * @param dataDir          the instance's data directory
 * @param gracePeriod      how long in-flight requests may run once a stop begins
 * @param clusterName      Hazelcast cluster name, unique per coordinator run
 * @param hazelcastPort    this worker's Hazelcast member port on loopback
 * @param hazelcastMembers other members' {@code host:port}
 * @param clusterSize      the workers the coordinator runs: below this many members this worker's
 *                         cluster is partial (a split, or a worker restarting), and caches stay off
 * @param parentPid        the coordinator; the worker exits when it is gone
 * @param synchronousFull  SQLite {@code synchronous=FULL} instead of NORMAL
 * @param poolCap          open databases kept in the LRU
 * @param importMax        largest SQLite file an import accepts, in bytes
 * @param debugRoutes      register diagnostic routes ({@code /_/debug/sleep})
 */
public record WorkerConfig(int workerId, String host, int port, int privatePort, Path dataDir,
                           Duration gracePeriod, String clusterName, int hazelcastPort,
                           List<String> hazelcastMembers, int clusterSize, OptionalLong parentPid,
                           boolean synchronousFull, int poolCap, long importMax, boolean debugRoutes) {

    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(25);
    public static final long DEFAULT_IMPORT_MAX = 1L << 30;

    public WorkerConfig {
        hazelcastMembers = List.copyOf(hazelcastMembers);
        if (clusterSize < 1) {
            throw new IllegalArgumentException("worker: --cluster-size must be at least 1");
        }
    }

    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(
                "--id", Integer.toString(workerId),
                "--host", host,
                "--port", Integer.toString(port),
                "--private-port", Integer.toString(privatePort),
                "--dir", dataDir.toString(),
                "--grace-period-ms", Long.toString(gracePeriod.toMillis()),
                "--cluster-name", clusterName,
                "--hazelcast-port", Integer.toString(hazelcastPort),
                "--hazelcast-members", String.join(",", hazelcastMembers),
                "--cluster-size", Integer.toString(clusterSize),
                "--synchronous", synchronousFull ? "full" : "normal",
                "--pool-cap", Integer.toString(poolCap),
                "--import-max", Long.toString(importMax),
                "--debug-routes", Boolean.toString(debugRoutes)));
        parentPid.ifPresent(pid -> args.addAll(List.of("--parent-pid", Long.toString(pid))));
        return args;
    }

    /** Parses what {@link #toArgs()} wrote; a wrong or missing argument names itself. */
    public static WorkerConfig parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String key = args.get(i);
            if (!key.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("worker: expected --key value pairs, got " + key);
            }
            values.put(key.substring(2), args.get(++i));
        }
        String parent = values.get("parent-pid");
        String members = required(values, "hazelcast-members");
        return new WorkerConfig(
                integer(values, "id"),
                required(values, "host"),
                integer(values, "port"),
                integer(values, "private-port"),
                Path.of(required(values, "dir")),
                Duration.ofMillis(Long.parseLong(required(values, "grace-period-ms"))),
                required(values, "cluster-name"),
                integer(values, "hazelcast-port"),
                members.isEmpty() ? List.of() : Arrays.asList(members.split(",")),
                Integer.parseInt(values.getOrDefault("cluster-size", "1")),
                parent == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(parent)),
                "full".equals(values.getOrDefault("synchronous", "normal")),
                Integer.parseInt(values.getOrDefault("pool-cap", "256")),
                Long.parseLong(values.getOrDefault("import-max", Long.toString(DEFAULT_IMPORT_MAX))),
                Boolean.parseBoolean(values.getOrDefault("debug-routes", "false")));
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("worker: missing --" + key);
        }
        return value;
    }

    private static int integer(Map<String, String> values, String key) {
        try {
            return Integer.parseInt(required(values, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("worker: --" + key + " must be a number");
        }
    }
}
