package dev.hivelite.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.hivelite.node.WorkerConfig;

/**
 * Starts worker JVMs from the coordinator's own jar ({@code java <flags> -jar coordinator.jar worker
 * …}), so the manifest's native-access and add-opens apply to workers too. Each worker's stdin stays a
 * pipe to us: when the coordinator dies, even by SIGKILL, the worker reads end-of-file and exits.
 */
final class WorkerLauncher {

    private final String javaBinary;
    private final Path jar;
    private final ServeConfig config;
    private final String clusterName;
    private final LogPump logs;
    private final Clock clock;

    WorkerLauncher(String javaBinary, Path jar, ServeConfig config, String clusterName, LogPump logs, Clock clock) {
        this.javaBinary = javaBinary;
        this.jar = jar;
        this.config = config;
        this.clusterName = clusterName;
        this.logs = logs;
        this.clock = clock;
    }

    /**
     * With several workers, each JVM is told its share of the cores. Otherwise every JVM sizes its
     * carrier, GC and JIT threads for the whole host, and N JVMs oversubscribe it: on 2 cores, 2
     * workers served 0.82× of 1 worker's requests; with a share each, 1.02× (benchmarks/RESULTS.md).
     * A user's own {@code -XX:ActiveProcessorCount} wins.
     */
    static java.util.Optional<String> coreShare(int workers, int cores, List<String> userOptions) {
        if (workers <= 1 || userOptions.stream().anyMatch(o -> o.contains("ActiveProcessorCount"))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("-XX:ActiveProcessorCount=" + Math.max(1, cores / workers));
    }

    /**
     * G1, unless the user names a collector. A JVM that counts fewer than two cores (each worker's
     * share on a 2-core host) picks the serial collector itself, whose young pauses copy what
     * survives on one thread without a pause goal: 180–290 ms while a worker took on 5,000 realtime
     * streams, against a fan-out target of 250 ms (benchmarks/RESULTS.md).
     */
    static java.util.Optional<String> collector(List<String> userOptions) {
        return userOptions.stream().anyMatch(o -> o.matches("-XX:[+-]Use\\w*GC")) ? java.util.Optional.empty()
                : java.util.Optional.of("-XX:+UseG1GC");
    }

    /**
     * A class-data archive per worker slot, under {@code <data dir>/.cache/}: the slot's first worker
     * writes it as it exits (the JVM's {@code AutoCreateSharedArchive}), and every later one maps the
     * classes it loaded, linked, instead of loading them from the jar again. A worker then starts on half
     * the CPU (1.6 s against 3.1 s here, ready in 2.1 s against 3.0), which a rolling restart or a
     * crash's replacement takes from the workers serving beside it (benchmarks/RESULTS.md). The JVM
     * makes the archive again when it does not fit (another JDK, a new jar); one per slot, because the
     * workers of a cluster stop together and would otherwise write one file at once, and checked on
     * every start ({@code VerifySharedSpaces}) so that a damaged file is set aside, never mapped. A user
     * who names a class-data or AOT option of their own, or a folder that cannot be made, gets none. A
     * user's {@code -Xlog} comes after these and can show the archive's warnings again.
     */
    static List<String> startupArchive(Path dataDir, int slotId, List<String> userOptions) {
        if (userOptions.stream().anyMatch(o -> o.startsWith("-Xshare") || o.contains("SharedArchive")
                || o.contains("ArchiveClassesAtExit") || o.contains("AOT"))) {
            return List.of();
        }
        Path folder = dataDir.toAbsolutePath().resolve(".cache");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            return List.of();
        }
        // Writing the archive warns of every class it leaves out (JFR's events, proxies: ~24 lines each
        // time a worker stops); only the JVM's errors about it reach the cluster's log.
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + folder.resolve("worker-" + slotId + ".jsa"),
                "-XX:+VerifySharedSpaces", "-Xlog:cds*=error");
    }

    WorkerProcess launch(int slotId, int hazelcastPort, List<Integer> otherMembers) throws IOException {
        int privatePort = Ports.freeLoopbackPort();
        WorkerConfig worker = new WorkerConfig(slotId, config.http().host(), config.http().port(), privatePort,
                config.dataDir().toAbsolutePath(), config.gracePeriod(), clusterName, hazelcastPort,
                otherMembers.stream().map(p -> "127.0.0.1:" + p).toList(), config.workers(),
                OptionalLong.of(ProcessHandle.current().pid()), config.synchronousFull(), config.poolCap(), config.importMax(), config.debugRoutes());
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.add("-Xmx" + config.workerHeap());
        command.add("-XX:+ExitOnOutOfMemoryError");
        if (Runtime.version().feature() >= 23) {
            // Hazelcast still reaches for sun.misc.Unsafe; without this, JDK 24+ prints a warning per worker.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-Dhazelcast.logging.type=jdk");
        coreShare(config.workers(), Runtime.getRuntime().availableProcessors(), config.workerJvmOptions())
                .ifPresent(command::add);
        collector(config.workerJvmOptions()).ifPresent(command::add);
        command.addAll(startupArchive(config.dataDir(), slotId, config.workerJvmOptions()));
        command.addAll(config.workerJvmOptions());
        command.add("-jar");
        command.add(jar.toString());
        command.add("worker");
        command.addAll(worker.toArgs());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        logs.attach(slotId, process.pid(), process.getInputStream());
        return new WorkerProcess(slotId, process, privatePort, hazelcastPort, clock.instant());
    }
}
