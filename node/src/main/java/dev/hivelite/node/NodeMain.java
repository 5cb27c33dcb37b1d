package dev.hivelite.node;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of a worker process: {@code java -jar coordinator.jar worker …}. The coordinator is the
 * only intended caller; it passes a {@link WorkerConfig} as arguments and keeps this process's stdin
 * open, so that stdin reaching end-of-file means the coordinator is gone.
 */
public final class NodeMain {

    private static final Logger LOG = Logger.getLogger(NodeMain.class.getName());
    /** Exit code when the worker cannot start (bad arguments, storage it cannot open). */
    public static final int EXIT_START_FAILED = 3;

    private NodeMain() {
    }

    public static void main(String[] args) {
        Logs.install();
        Logs.configure();
        WorkerConfig config;
        try {
            config = WorkerConfig.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        configureSqliteTmpdir(config);
        Worker worker;
        try {
            worker = Worker.start(config, Worker.Secrets.fromEnvironment(), Clock.systemUTC());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "worker " + config.workerId() + " failed to start: " + e.getMessage(), e);
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(worker, config), "worker-shutdown"));
        config.parentPid().ifPresent(NodeMain::exitWhenParentDies);
    }

    /**
     * sqlite-jdbc extracts its native library per JVM; keep the copies under the data dir, where the
     * coordinator removes stale ones at start, instead of littering /tmp after a kill -9.
     */
    private static void configureSqliteTmpdir(WorkerConfig config) {
        java.nio.file.Path dir = config.dataDir().resolve(".tmp").resolve("native");
        try {
            java.nio.file.Files.createDirectories(dir);
            System.setProperty("org.sqlite.tmpdir", dir.toString());
        } catch (IOException e) {
            LOG.warning("cannot create " + dir + "; sqlite-jdbc extracts to java.io.tmpdir instead");
        }
    }

    private static void stop(Worker worker, WorkerConfig config) {
        // A stop must never outlive the coordinator's kill deadline by hanging here.
        Thread watchdog = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Thread.sleep(config.gracePeriod().plusSeconds(10).toMillis());
                LOG.severe("graceful stop did not finish in time; halting");
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException ignored) {
                // stopped in time
            }
        });
        worker.close();
        watchdog.interrupt();
    }

    /**
     * No orphans: when the coordinator dies, even by SIGKILL, its end of our stdin closes. We read
     * stdin until end-of-file, and also poll the parent's pid in case stdin was redirected.
     */
    private static void exitWhenParentDies(long parentPid) {
        Thread.ofPlatform().name("parent-stdin").daemon(true).start(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // The coordinator never writes; anything read is ignored.
                }
            } catch (IOException ignored) {
                // Treated as end-of-file.
            }
            LOG.warning("coordinator gone (stdin closed); stopping");
            System.exit(0);
        });
        Thread.ofPlatform().name("parent-watch").daemon(true).start(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
            LOG.warning("coordinator gone (pid " + parentPid + "); stopping");
            System.exit(0);
        });
    }
}
