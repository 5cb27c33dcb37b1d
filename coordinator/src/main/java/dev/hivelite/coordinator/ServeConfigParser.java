package dev.hivelite.coordinator;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns flags, environment and an optional config file into a {@link ServeConfig}. Precedence:
 * flags over environment over file over defaults. Every refusal names the key as the user wrote it
 * ({@code --workers}, {@code HIVELITE_WORKERS}, or {@code workers in /etc/hivelite.conf}).
 */
final class ServeConfigParser {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    private final Map<String, String> env;
    private final int availableProcessors;

    ServeConfigParser(Map<String, String> env, int availableProcessors) {
        this.env = env;
        this.availableProcessors = availableProcessors;
    }

    /** A value and the name of the place it came from, for error messages. */
    private record Source(String value, String name) {
    }

    ServeConfig parse(List<String> args) throws ConfigException {
        Map<Option, Source> flags = parseFlags(args);
        Map<Option, Source> values = new EnumMap<>(Option.class);
        Source configFile = flags.containsKey(Option.CONFIG) ? flags.get(Option.CONFIG) : fromEnv(Option.CONFIG);
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        for (Option option : Option.values()) {
            Source fromEnv = fromEnv(option);
            if (fromEnv != null) {
                values.put(option, fromEnv);
            }
        }
        values.putAll(flags);
        return build(values);
    }

    private Source fromEnv(Option option) {
        String value = env.get(option.env());
        return value == null || value.isBlank() ? null : new Source(value, option.env());
    }

    private static Map<Option, Source> parseFlags(List<String> args) throws ConfigException {
        Map<Option, Source> flags = new EnumMap<>(Option.class);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "' (see --help)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            Option option = Option.byKey(name)
                    .orElseThrow(() -> new ConfigException("unknown flag --" + name + " (see --help)"));
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (option.isSwitch() && (i + 1 >= args.size() || args.get(i + 1).startsWith("--"))) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException("flag " + option.flag() + " needs a value");
            }
            flags.put(option, new Source(value, option.flag()));
        }
        return flags;
    }

    private static Map<Option, Source> readFile(Source file) throws ConfigException {
        Path path = Path.of(file.value());
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + path + " (" + file.name() + "): " + e.getMessage());
        }
        Map<Option, Source> values = new EnumMap<>(Option.class);
        for (String key : properties.stringPropertyNames()) {
            Option option = Option.byKey(key).filter(o -> o != Option.CONFIG).orElseThrow(
                    () -> new ConfigException("unknown key '" + key + "' in config file " + path));
            values.put(option, new Source(properties.getProperty(key).trim(), key + " in " + path));
        }
        return values;
    }

    private ServeConfig build(Map<Option, Source> values) throws ConfigException {
        Duration grace = duration(values, Option.GRACE_PERIOD, ServeConfig.DEFAULT_GRACE_PERIOD);
        Duration stopTimeout = duration(values, Option.STOP_TIMEOUT, ServeConfig.DEFAULT_STOP_TIMEOUT);
        if (stopTimeout.compareTo(grace) <= 0) {
            Source s = values.getOrDefault(Option.STOP_TIMEOUT, values.get(Option.GRACE_PERIOD));
            throw new ConfigException("invalid " + s.name() + ": the stop timeout (" + stopTimeout.toSeconds()
                    + " s) must be longer than the grace period (" + grace.toSeconds() + " s)");
        }
        HostPort http = hostPort(values, Option.HTTP, ServeConfig.DEFAULT_HTTP);
        HostPort management = hostPort(values, Option.MANAGEMENT, ServeConfig.DEFAULT_MANAGEMENT);
        if (http.port() == management.port()) {
            throw new ConfigException("invalid " + values.getOrDefault(Option.MANAGEMENT, values.get(Option.HTTP)).name()
                    + ": the management port must differ from the public port " + http.port());
        }
        return new ServeConfig(
                http,
                workers(values),
                Path.of(text(values, Option.DIR, ServeConfig.DEFAULT_DATA_DIR.toString())),
                management,
                heap(values),
                Arrays.stream(text(values, Option.WORKER_JVM_OPTS, "").trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList(),
                grace,
                stopTimeout,
                synchronous(values),
                poolCap(values),
                importMax(values),
                bool(values, Option.TUNE_SYSCTL),
                bool(values, Option.DEBUG_ROUTES));
    }

    private static String text(Map<Option, Source> values, Option option, String fallback) {
        Source s = values.get(option);
        return s == null ? fallback : s.value();
    }

    private static ConfigException invalid(Source s, String why) {
        return new ConfigException("invalid " + s.name() + " '" + s.value() + "': " + why);
    }

    private int workers(Map<Option, Source> values) throws ConfigException {
        Source s = values.get(Option.WORKERS);
        if (s == null) {
            return Math.min(availableProcessors, ServeConfig.MAX_WORKERS);
        }
        try {
            int n = Integer.parseInt(s.value().trim());
            if (n >= 1 && n <= ServeConfig.MAX_WORKERS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(s, "must be a whole number from 1 to " + ServeConfig.MAX_WORKERS);
    }

    private static int poolCap(Map<Option, Source> values) throws ConfigException {
        Source s = values.get(Option.POOL_CAP);
        if (s == null) {
            return ServeConfig.DEFAULT_POOL_CAP;
        }
        try {
            int n = Integer.parseInt(s.value().trim());
            if (n >= 1 && n <= ServeConfig.MAX_POOL_CAP) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(s, "must be a whole number from 1 to " + ServeConfig.MAX_POOL_CAP);
    }

    private static long importMax(Map<Option, Source> values) throws ConfigException {
        Source s = values.get(Option.IMPORT_MAX);
        if (s == null) {
            return ServeConfig.DEFAULT_IMPORT_MAX;
        }
        String v = s.value().trim().toLowerCase(java.util.Locale.ROOT);
        if (HEAP.matcher(v).matches()) {
            long n = Long.parseLong(v.replaceAll("[kmg]$", ""));
            long bytes = switch (v.charAt(v.length() - 1)) {
                case 'k' -> n << 10;
                case 'm' -> n << 20;
                case 'g' -> n << 30;
                default -> n;
            };
            if (bytes >= 1 && n < (1L << 33)) {
                return bytes;
            }
        }
        throw invalid(s, "expected a size such as 500m or 2g");
    }

    private static HostPort hostPort(Map<Option, Source> values, Option option, HostPort fallback)
            throws ConfigException {
        Source s = values.get(option);
        if (s == null) {
            return fallback;
        }
        try {
            return HostPort.parse(s.value());
        } catch (IllegalArgumentException e) {
            throw invalid(s, e.getMessage());
        }
    }

    private static Duration duration(Map<Option, Source> values, Option option, Duration fallback)
            throws ConfigException {
        Source s = values.get(option);
        if (s == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(s.value().trim());
        if (!m.matches()) {
            throw invalid(s, "expected a duration such as 25s, 500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static String heap(Map<Option, Source> values) throws ConfigException {
        Source s = values.get(Option.WORKER_HEAP);
        if (s == null) {
            return ServeConfig.DEFAULT_WORKER_HEAP;
        }
        if (!HEAP.matcher(s.value().trim()).matches()) {
            throw invalid(s, "expected a JVM heap size such as 256m or 1g");
        }
        return s.value().trim();
    }

    private static boolean synchronous(Map<Option, Source> values) throws ConfigException {
        Source s = values.get(Option.SYNCHRONOUS);
        if (s == null) {
            return false;
        }
        return switch (s.value().trim().toLowerCase()) {
            case "normal" -> false;
            case "full" -> true;
            default -> throw invalid(s, "expected normal or full");
        };
    }

    private static boolean bool(Map<Option, Source> values, Option option) throws ConfigException {
        Source s = values.get(option);
        if (s == null) {
            return false;
        }
        return switch (s.value().trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(s, "expected true or false");
        };
    }
}
