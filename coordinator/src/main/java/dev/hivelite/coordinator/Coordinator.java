package dev.hivelite.coordinator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.helidon.webserver.WebServer;

import sun.misc.Signal;

/**
 * {@code serve}: checks the environment, starts the workers and the management port, then waits for
 * a signal. SIGTERM/SIGINT stop gracefully (exit 0 when every worker stopped on its own); SIGHUP
 * starts a rolling restart.
 */
final class Coordinator {

    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());
    static final int EXIT_OK = 0;
    static final int EXIT_UNCLEAN_STOP = 1;
    static final int EXIT_CANNOT_START = 2;

    private final ServeConfig config;
    private final Path jar;
    private final Clock clock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    Coordinator(ServeConfig config, Path jar, Clock clock) {
        this.config = config;
        this.jar = jar;
        this.clock = clock;
    }

    /** Runs until a stop signal; returns the process exit code. */
    int run() throws InterruptedException {
        Path dataDir = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            return cannotStart("cannot create data directory " + dataDir + " (--dir): " + e.getMessage());
        }
        try (FileChannel lockFile = FileChannel.open(dataDir.resolve(".coordinator.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                return cannotStart("another coordinator is running on " + dataDir + " (--dir)");
            }
            return runLocked(dataDir);
        } catch (IOException e) {
            return cannotStart("cannot lock " + dataDir + " (--dir): " + e.getMessage());
        }
    }

    private int runLocked(Path dataDir) throws InterruptedException {
        if (!Ports.available(config.http())) {
            return cannotStart("public address " + config.http() + " is already in use (--http)");
        }
        if (!Ports.available(config.management())) {
            return cannotStart("management address " + config.management() + " is already in use (--management)");
        }
        removeStaleNativeCopies(dataDir);
        Sysctl sysctl = Sysctl.system();
        Sysctl.MigrateReq migrateReq = checkMigrateReq(sysctl);

        String clusterName = "hivelite-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        try (LogPump logs = new LogPump(System.err); Probe probe = new Probe()) {
            WorkerLauncher launcher = new WorkerLauncher(java, jar, config, clusterName, logs, clock);
            Supervisor supervisor = new Supervisor(config, launcher, probe, clock);
            Runnable rollingRestart = () -> Thread.ofPlatform().name("rolling-restart").start(supervisor::rollingRestart);
            ClusterMetrics metrics = new ClusterMetrics(supervisor, probe, () -> migrateReq, logs);
            WebServer management = WebServer.builder()
                    .host(config.management().host())
                    .port(config.management().port())
                    .shutdownHook(false)
                    .routing(r -> r.register(new ManagementService(supervisor, metrics, () -> migrateReq,
                            rollingRestart, clock)))
                    .build();
            Signal.handle(new Signal("TERM"), s -> stopRequested.countDown());
            Signal.handle(new Signal("INT"), s -> stopRequested.countDown());
            Signal.handle(new Signal("HUP"), s -> {
                LOG.info("SIGHUP: rolling restart");
                rollingRestart.run();
            });
            management.start();
            LOG.info(() -> "Hivelite " + dev.hivelite.node.common.Version.current() + ": " + config.workers()
                    + " worker(s) on " + config.http() + ", data in " + dataDir + ", management on "
                    + config.management() + ", cluster " + clusterName);
            supervisor.start();
            stopRequested.await();
            LOG.info("stop requested: draining workers (grace " + config.gracePeriod().toSeconds()
                    + " s, kill after " + config.stopTimeout().toSeconds() + " s)");
            boolean clean = supervisor.stop();
            management.stop();
            LOG.info(clean ? "stopped cleanly" : "stopped; some workers had to be killed");
            return clean ? EXIT_OK : EXIT_UNCLEAN_STOP;
        }
    }

    private Sysctl.MigrateReq checkMigrateReq(Sysctl sysctl) {
        Sysctl.MigrateReq state = sysctl.read();
        if (state == Sysctl.MigrateReq.OFF && config.tuneSysctl()) {
            if (sysctl.enable()) {
                LOG.info("set net.ipv4.tcp_migrate_req=1 (--tune-sysctl)");
                return Sysctl.MigrateReq.ON;
            }
            LOG.warning("--tune-sysctl: cannot set net.ipv4.tcp_migrate_req=1 (needs root and a writable /proc/sys)");
        }
        switch (state) {
            case ON -> LOG.info("net.ipv4.tcp_migrate_req=1: connections queued on a stopping worker move to another");
            case OFF -> LOG.warning("net.ipv4.tcp_migrate_req=0: connections queued on a worker that stops or crashes"
                    + " are reset. Set it with --tune-sysctl (as root) or a sysctl.d drop-in (see deploy/)");
            case UNSUPPORTED -> LOG.warning("net.ipv4.tcp_migrate_req is not available (Linux < 5.14?): connections"
                    + " queued on a worker that stops or crashes are reset");
        }
        return state;
    }

    /** sqlite-jdbc copies its native library per JVM; a worker killed with -9 leaves its copy behind. */
    private static void removeStaleNativeCopies(Path dataDir) {
        Path natives = dataDir.resolve(".tmp").resolve("native");
        if (!Files.isDirectory(natives)) {
            return;
        }
        try (Stream<Path> files = Files.walk(natives)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(natives)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort; sqlite-jdbc also skips copies it cannot use.
                }
            });
        } catch (IOException e) {
            LOG.warning("cannot clean " + natives + ": " + e.getMessage());
        }
    }

    private static int cannotStart(String message) {
        System.err.println("hivelite: " + message);
        return EXIT_CANNOT_START;
    }
}
