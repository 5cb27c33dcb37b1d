package dev.hivelite.coordinator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of {@code serve}. Built by {@link ServeConfigParser} from, in rising
 * precedence, defaults, the config file, the environment and the flags.
 */
record ServeConfig(HostPort http, int workers, Path dataDir, HostPort management, String workerHeap,
                   List<String> workerJvmOptions, Duration gracePeriod, Duration stopTimeout,
                   boolean synchronousFull, int poolCap, long importMax, boolean tuneSysctl, boolean debugRoutes) {

    static final HostPort DEFAULT_HTTP = new HostPort("0.0.0.0", 8093);
    static final HostPort DEFAULT_MANAGEMENT = new HostPort("127.0.0.1", 8094);
    static final Path DEFAULT_DATA_DIR = Path.of("hivelite_data");
    static final String DEFAULT_WORKER_HEAP = "512m";
    static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(25);
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_WORKERS = 64;
    static final int DEFAULT_POOL_CAP = 256;
    static final int MAX_POOL_CAP = 100_000;
    static final long DEFAULT_IMPORT_MAX = 1L << 30;

    ServeConfig {
        workerJvmOptions = List.copyOf(workerJvmOptions);
    }
}
