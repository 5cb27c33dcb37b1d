package dev.hivelite.coordinator;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import dev.hivelite.node.Logs;
import dev.hivelite.node.NodeMain;
import dev.hivelite.node.common.Version;

/**
 * {@code java -jar coordinator.jar [serve] [flags]}: the entry point users run. Sub-commands:
 * {@code serve} (the default), {@code superuser} (manage superusers, running or not) and {@code worker}
 * (started by serve itself, not by users).
 */
public final class CoordinatorMain {

    private CoordinatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Logs.install();
        List<String> rest = Arrays.asList(args);
        String command = rest.isEmpty() || rest.getFirst().startsWith("-") ? "serve" : rest.getFirst();
        if (!rest.isEmpty() && !rest.getFirst().startsWith("-")) {
            rest = rest.subList(1, rest.size());
        }
        switch (command) {
            case "worker" -> NodeMain.main(rest.toArray(String[]::new));
            case "serve" -> System.exit(serve(rest));
            case "superuser" -> System.exit(new SuperuserCommand(System.getenv(), System.out, System.err).run(rest));
            case "help" -> System.out.print(Help.text());
            case "version" -> System.out.println("hivelite " + Version.current());
            default -> {
                System.err.println("hivelite: unknown command '" + command + "' (see --help)");
                System.exit(Coordinator.EXIT_CANNOT_START);
            }
        }
    }

    private static int serve(List<String> args) throws InterruptedException {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.print(Help.text());
            return 0;
        }
        if (args.contains("--version")) {
            System.out.println("hivelite " + Version.current());
            return 0;
        }
        ServeConfig config;
        try {
            config = new ServeConfigParser(System.getenv(), Runtime.getRuntime().availableProcessors()).parse(args);
        } catch (ConfigException e) {
            System.err.println("hivelite: " + e.getMessage());
            return Coordinator.EXIT_CANNOT_START;
        }
        Path jar = ownJar();
        if (jar == null) {
            System.err.println("hivelite: serve must run from coordinator.jar (java -jar coordinator.jar)");
            return Coordinator.EXIT_CANNOT_START;
        }
        Logs.configure();
        return new Coordinator(config, jar, Clock.systemUTC()).run();
    }

    private static Path ownJar() {
        try {
            Path location = Path.of(CoordinatorMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
