package dev.hivelite.coordinator;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting of {@code serve}, with its three spellings: a flag ({@code --workers}), an environment
 * variable ({@code HIVELITE_WORKERS}) and a config-file key ({@code workers}). One table drives the
 * parser, the {@code --help} text and the sample config's test.
 */
enum Option {
    HTTP("http", "Public address every worker shares (SO_REUSEPORT)", "0.0.0.0:8093"),
    WORKERS("workers", "Number of worker JVMs", "available processors"),
    DIR("dir", "Data directory", "./hivelite_data", "HIVELITE_DATA_DIR"),
    MANAGEMENT("management", "Management address: cluster /_/health, /metrics, rolling restart", "127.0.0.1:8094"),
    WORKER_HEAP("worker-heap", "Maximum heap of each worker JVM (-Xmx)", "512m"),
    WORKER_JVM_OPTS("worker-jvm-opts", "Extra JVM options for each worker, space-separated", "none"),
    GRACE_PERIOD("grace-period", "How long in-flight requests may finish when a worker stops", "25s"),
    STOP_TIMEOUT("stop-timeout", "When the coordinator kills workers still running after a stop", "30s"),
    SYNCHRONOUS("synchronous", "SQLite synchronous mode: normal or full", "normal"),
    POOL_CAP("pool-cap", "Open databases each worker keeps (LRU); colder ones reopen on use", "256"),
    IMPORT_MAX("import-max", "Largest SQLite file POST /api/databases/import accepts", "1g"),
    TUNE_SYSCTL("tune-sysctl", "Set net.ipv4.tcp_migrate_req=1 when it is off (needs root)", "false", true),
    DEBUG_ROUTES("debug-routes", "Diagnostic routes such as /_/debug/sleep (testing only)", "false", true),
    CONFIG("config", "Config file (key = value lines; keys as the flags without --)", "none");

    private final String key;
    private final String description;
    private final String defaultText;
    private final String env;
    private final boolean flagOnly;

    Option(String key, String description, String defaultText) {
        this(key, description, defaultText, envName(key), false);
    }

    Option(String key, String description, String defaultText, String env) {
        this(key, description, defaultText, env, false);
    }

    Option(String key, String description, String defaultText, boolean flagOnly) {
        this(key, description, defaultText, envName(key), flagOnly);
    }

    Option(String key, String description, String defaultText, String env, boolean flagOnly) {
        this.key = key;
        this.description = description;
        this.defaultText = defaultText;
        this.env = env;
        this.flagOnly = flagOnly;
    }

    private static String envName(String key) {
        return "HIVELITE_" + key.toUpperCase().replace('-', '_');
    }

    /** The config-file key, and the flag without its dashes. */
    String key() {
        return key;
    }

    String flag() {
        return "--" + key;
    }

    String env() {
        return env;
    }

    String description() {
        return description;
    }

    String defaultText() {
        return defaultText;
    }

    /** A boolean switch: {@code --tune-sysctl} alone means true. */
    boolean isSwitch() {
        return flagOnly;
    }

    static Optional<Option> byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }
}
