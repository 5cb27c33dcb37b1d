package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The files in deploy/ are exercised, not just shipped. */
class DeployFilesTest {

    private static Path deploy() {
        String root = System.getProperty("project.root");
        if (root != null) {
            return Path.of(root).toAbsolutePath().resolve("deploy");
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (a folder with deploy/ and pom.xml) above "
                    + Path.of("").toAbsolutePath() + "; set -Dproject.root");
        }
        return dir.resolve("deploy");
    }

    private static ServeConfig sampleConfig() throws ConfigException {
        return new ServeConfigParser(Map.of(), 3).parse(List.of("--config", deploy().resolve("hivelite.conf").toString()));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Pattern.compile(Pattern.quote(File.pathSeparator)).splitAsStream(path)
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    /** Runs a command to completion (at most 60 s), asserts exit 0, and returns its combined output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("deploy-files-test", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish within 60 s");
            }
            String text = Files.readString(output);
            assertEquals(0, p.exitValue(), command + " failed:\n" + text);
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void sampleConfigParses() throws Exception {
        ServeConfig config = sampleConfig();
        assertEquals(new HostPort("0.0.0.0", 8093), config.http());
        assertEquals(new HostPort("127.0.0.1", 8094), config.management());
        assertEquals(Path.of("/var/lib/hivelite"), config.dataDir());
        assertEquals(3, config.workers(), "workers is commented out: the default (available processors) applies");
        assertEquals("512m", config.workerHeap());
        assertEquals(Duration.ofSeconds(25), config.gracePeriod());
        assertEquals(Duration.ofSeconds(30), config.stopTimeout());
        assertEquals(256, config.poolCap());
        assertFalse(config.synchronousFull());
        assertFalse(config.tuneSysctl());
        assertFalse(config.debugRoutes(), "the sample must never enable the debug routes");
    }

    @Test
    void sampleConfigDocumentsEveryOption() throws IOException {
        String text = Files.readString(deploy().resolve("hivelite.conf"));
        for (Option option : Option.values()) {
            if (option == Option.CONFIG) {
                continue;
            }
            assertTrue(Pattern.compile("(?m)^(# ?)?" + Pattern.quote(option.key()) + " *=").matcher(text).find(),
                    "hivelite.conf shows " + option.key() + " as a setting or a commented example");
            assertTrue(text.contains(option.env()), "hivelite.conf names the environment variable " + option.env());
        }
        assertFalse(Pattern.compile("(?m)^\\s*debug-routes\\s*[=:]").matcher(text).find(),
                "debug-routes may only appear commented out");
        assertFalse(Pattern.compile("(?m)^\\s*config\\s*[=:]").matcher(text).find(),
                "config is not a valid key inside the file");
    }

    @Test
    void systemdUnitRunsTheCoordinatorAndStopsItGracefully() throws Exception {
        List<String> unit = Files.readAllLines(deploy().resolve("hivelite.service"));
        for (String line : List.of("KillSignal=SIGTERM", "KillMode=mixed", "Restart=on-failure",
                "ExecReload=/bin/kill -HUP $MAINPID", "RestartPreventExitStatus=2", "SuccessExitStatus=143",
                "User=hivelite", "StateDirectory=hivelite", "LimitNOFILE=65536", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/hivelite")) {
            assertTrue(unit.contains(line), "unit has " + line);
        }
        assertTrue(unit.stream().anyMatch(l -> l.startsWith("ExecStart=")
                        && l.contains("-jar /opt/hivelite/coordinator.jar --config /etc/hivelite/hivelite.conf")),
                "ExecStart runs coordinator.jar with the installed config");
        assertTrue(unit.stream().anyMatch(l -> l.startsWith("ExecStartPre=") && l.contains("/etc/sysctl.d/90-hivelite.conf")),
                "the unit applies the sysctl drop-in");

        Matcher timeout = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(String.join("\n", unit));
        assertTrue(timeout.find(), "unit sets TimeoutStopSec in seconds");
        long systemdWaits = Long.parseLong(timeout.group(1));
        assertTrue(systemdWaits > ServeConfig.DEFAULT_STOP_TIMEOUT.toSeconds(),
                "systemd waits longer than the coordinator's default stop timeout");
        assertTrue(systemdWaits > sampleConfig().stopTimeout().toSeconds(),
                "systemd waits longer than the stop timeout the sample config sets");
    }

    @Test
    void systemdUnitVerifies() throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed: unit not verified");
        Path unit = deploy().resolve("hivelite.service");
        String output = run(List.of("systemd-analyze", "verify", unit.toString()));
        // verify exits 0 on directives it could not parse, but names the unit file when it complains.
        List<String> complaints = output.lines().filter(l -> l.contains(unit.getFileName().toString())).toList();
        assertEquals(List.of(), complaints, "systemd-analyze verify complains about the unit");
    }

    @Test
    void sysctlDropInEnablesTcpMigrateReq() throws IOException {
        List<String> settings = Files.readAllLines(deploy().resolve("sysctl.d/90-hivelite.conf")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith(";")).toList();
        assertEquals(List.of("net.ipv4.tcp_migrate_req=1"), settings.stream().map(l -> l.replace(" ", "")).toList());
    }

    @Test
    void prometheusFilesPassPromtool() throws Exception {
        if (!onPath("promtool")) {
            fail("promtool is not on PATH: install the Debian package prometheus (.ci/run installs it)");
        }
        Path prometheusYml = deploy().resolve("prometheus/prometheus.yml");
        // promtool check config also loads and checks the rule files it names.
        run(List.of("promtool", "check", "config", prometheusYml.toString()));
        assertTrue(Pattern.compile("(?m)^rule_files:\\s*\\n\\s+- \"?hivelite-alerts\\.yml\"?\\s*$")
                .matcher(Files.readString(prometheusYml)).find(), "prometheus.yml loads hivelite-alerts.yml by relative name");
        assertTrue(Files.readString(prometheusYml).contains("127.0.0.1:8094"), "prometheus.yml scrapes the management port");
        String rules = run(List.of("promtool", "check", "rules", deploy().resolve("prometheus/hivelite-alerts.yml").toString()));
        assertTrue(rules.contains("SUCCESS"), rules);
        String alerts = Files.readString(deploy().resolve("prometheus/hivelite-alerts.yml"));
        for (String metric : List.of("hivelite_workers_ready", "hivelite_workers_desired", "hivelite_worker_crash_looping",
                "hivelite_worker_restarts_total", "hivelite_tcp_migrate_req", "hivelite_worker_scrape_ok",
                "http_server_requests_seconds_count", "http_server_requests_seconds_bucket")) {
            assertTrue(alerts.contains(metric), "an alert uses " + metric);
        }
    }
}
