package dev.hivelite.coordinator;

/** The {@code --help} text, generated from the {@link Option} table so it never drifts. */
final class Help {

    private Help() {
    }

    static String text() {
        StringBuilder out = new StringBuilder("""
                Hivelite: a backend platform on SQLite, as a cluster of workers on one port.

                Usage: java -jar coordinator.jar [serve] [flags]
                       java -jar coordinator.jar superuser upsert|create|update|delete EMAIL [PASSWORD] [--dir DIR]
                       java -jar coordinator.jar --version

                Each setting is a flag, an environment variable or a config-file key; flags win over
                the environment, which wins over the config file.

                """);
        for (Option option : Option.values()) {
            String flag = option.flag() + (option.isSwitch() ? "" : " VALUE");
            out.append(String.format("  %-26s %s%n", flag, option.description()));
            out.append(String.format("  %-26s env %s, default %s%n", "", option.env(), option.defaultText()));
        }
        out.append("""
                  --help                     This text
                  --version                  Print the version

                Signals: SIGTERM/SIGINT stop gracefully; SIGHUP replaces workers one at a time.
                Exit codes: 0 clean stop, 1 workers had to be killed, 2 bad configuration or cannot start.
                """);
        return out.toString();
    }
}
