package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar's command line, run as users run it: exit codes and messages. */
class CommandLineIT {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --workers      | abc         | invalid --workers 'abc'
            --http         | 127.0.0.1:x | invalid --http '127.0.0.1:x'
            --management   | :70000      | invalid --management ':70000'
            --grace-period | forever     | invalid --grace-period 'forever'
            --bogus        | 1           | unknown flag --bogus
            """)
    void badFlagsExitTwoNamingTheFlag(String flag, String value, String message) throws Exception {
        var run = CoordinatorProcess.run(tmp, List.of("--dir", tmp.resolve("d").toString(), flag, value));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains(message), run.output());
        assertFalse(Files.exists(tmp.resolve("d")), "nothing starts, nothing is created");
    }

    @Test
    void badConfigFileKeyExitsTwoNamingTheKey() throws Exception {
        Path conf = Files.writeString(tmp.resolve("h.conf"), "workers = lots\n");
        var run = CoordinatorProcess.run(tmp, List.of("--config", conf.toString()));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.output().contains("invalid workers in " + conf + " 'lots'"), run.output());
    }

    @Test
    void portInUseSaysSo() throws IOException, InterruptedException {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var run = CoordinatorProcess.run(tmp, List.of("--http", "127.0.0.1:" + taken.getLocalPort(),
                    "--management", "127.0.0.1:" + CoordinatorProcess.freePort(), "--dir", tmp.resolve("d").toString()));
            assertEquals(2, run.exitCode(), run.output());
            assertTrue(run.output().contains("127.0.0.1:" + taken.getLocalPort() + " is already in use (--http)"),
                    run.output());
        }
    }

    @Test
    void managementPortInUseSaysSo() throws IOException, InterruptedException {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var run = CoordinatorProcess.run(tmp, List.of("--http", "127.0.0.1:" + CoordinatorProcess.freePort(),
                    "--management", "127.0.0.1:" + taken.getLocalPort(), "--dir", tmp.resolve("d").toString()));
            assertEquals(2, run.exitCode(), run.output());
            assertTrue(run.output().contains("is already in use (--management)"), run.output());
        }
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        var run = CoordinatorProcess.run(tmp, List.of("--version"));
        assertEquals(0, run.exitCode());
        assertEquals("hivelite " + System.getProperty("project.version"), run.output().trim());
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariable() throws Exception {
        var run = CoordinatorProcess.run(tmp, List.of("--help"));
        assertEquals(0, run.exitCode());
        for (Option option : Option.values()) {
            assertTrue(run.output().contains(option.flag()), "missing " + option.flag());
            assertTrue(run.output().contains(option.env()), "missing " + option.env());
        }
    }

    @Test
    void unknownCommandExitsTwo() throws Exception {
        var run = CoordinatorProcess.run(tmp, List.of("frobnicate"));
        assertEquals(2, run.exitCode());
        assertTrue(run.output().contains("unknown command 'frobnicate'"), run.output());
    }
}
