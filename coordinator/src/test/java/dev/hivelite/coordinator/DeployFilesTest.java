package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        Path dir = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository's deploy/ folder");
        }
        return dir.resolve("deploy");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(command.getFirst() + " is needed (Debian package prometheus; .ci/run installs it): " + e.getMessage());
            return "";
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " finished");
        assertEquals(0, p.exitValue(), command + ": " + output);
        return output;
    }

    @Test
    void sampleConfigParsesWithTheRealParser() throws Exception {
        ServeConfig config = new ServeConfigParser(Map.of(), 3).parse(List.of("--config", deploy().resolve("hivelite.conf").toString()));
        assertEquals(new HostPort("0.0.0.0", 8093), config.http());
        assertEquals(new HostPort("127.0.0.1", 8094), config.management());
        assertEquals(Path.of("/var/lib/hivelite"), config.dataDir());
        assertEquals(3, config.workers(), "workers is commented out: the default applies");
        assertEquals(Duration.ofSeconds(25), config.gracePeriod());
        assertEquals(Duration.ofSeconds(30), config.stopTimeout());
        assertEquals(false, config.debugRoutes());
    }

    @Test
    void sampleConfigDocumentsEveryOption() throws IOException {
        String text = Files.readString(deploy().resolve("hivelite.conf"));
        for (Option option : Option.values()) {
            if (option == Option.CONFIG) {
                continue;
            }
            assertTrue(Pattern.compile("(?m)^#? ?" + Pattern.quote(option.key()) + " = ").matcher(text).find(),
                    "hivelite.conf shows " + option.key());
            assertTrue(text.contains(option.env()), "hivelite.conf names " + option.env());
        }
    }

    @Test
    void systemdUnitRunsTheCoordinatorAndStopsItGracefully() throws IOException {
        String unit = Files.readString(deploy().resolve("hivelite.service"));
        for (String line : List.of("KillSignal=SIGTERM", "KillMode=mixed", "Restart=on-failure",
                "ExecReload=/bin/kill -HUP $MAINPID", "RestartPreventExitStatus=2")) {
            assertTrue(unit.lines().anyMatch(line::equals), "unit has " + line);
        }
        assertTrue(unit.lines().anyMatch(l -> l.startsWith("ExecStart=") && l.contains("-jar /opt/hivelite/coordinator.jar")));
        Matcher timeout = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertTrue(timeout.find());
        assertTrue(Integer.parseInt(timeout.group(1)) > ServeConfig.DEFAULT_STOP_TIMEOUT.toSeconds(),
                "systemd waits longer than the coordinator's own stop timeout");
        assertTrue(unit.contains("/etc/sysctl.d/90-hivelite.conf"), "the unit applies the sysctl drop-in");
    }

    @Test
    void systemdUnitVerifies() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not installed");
        run(List.of("systemd-analyze", "verify", deploy().resolve("hivelite.service").toString()));
    }

    @Test
    void sysctlDropInEnablesTcpMigrateReq() throws IOException {
        String dropIn = Files.readString(deploy().resolve("sysctl.d/90-hivelite.conf"));
        assertTrue(dropIn.lines().anyMatch(l -> l.replace(" ", "").equals("net.ipv4.tcp_migrate_req=1")), dropIn);
    }

    @Test
    void prometheusFilesPassPromtool() throws Exception {
        run(List.of("promtool", "check", "config", deploy().resolve("prometheus/prometheus.yml").toString()));
        String rules = run(List.of("promtool", "check", "rules", deploy().resolve("prometheus/hivelite-alerts.yml").toString()));
        assertTrue(rules.contains("SUCCESS"), rules);
    }
}
