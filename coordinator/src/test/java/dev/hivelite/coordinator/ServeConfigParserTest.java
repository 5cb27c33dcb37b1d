package dev.hivelite.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServeConfigParserTest {

    @TempDir
    Path tmp;

    private static ServeConfig parse(Map<String, String> env, String... args) throws ConfigException {
        return new ServeConfigParser(env, 6).parse(List.of(args));
    }

    @Test
    void defaultsMatchTheDocumentedOnes() throws ConfigException {
        ServeConfig config = parse(Map.of());
        assertEquals(new HostPort("0.0.0.0", 8093), config.http());
        assertEquals(new HostPort("127.0.0.1", 8094), config.management());
        assertEquals(6, config.workers(), "default is the number of available processors");
        assertEquals(Path.of("hivelite_data"), config.dataDir());
        assertEquals("512m", config.workerHeap());
        assertEquals(Duration.ofSeconds(25), config.gracePeriod());
        assertEquals(Duration.ofSeconds(30), config.stopTimeout());
        assertFalse(config.tuneSysctl());
        assertFalse(config.synchronousFull());
        assertFalse(config.debugRoutes());
        assertEquals(256, config.poolCap());
        assertEquals(1L << 30, config.importMax());
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() throws IOException, ConfigException {
        Path file = Files.writeString(tmp.resolve("hivelite.conf"), """
                # comment
                workers = 3
                dir = /from/file
                worker-heap = 1g
                """);
        ServeConfig config = parse(Map.of("HIVELITE_CONFIG", file.toString(), "HIVELITE_WORKERS", "4",
                "HIVELITE_DATA_DIR", "/from/env"), "--workers", "5");
        assertEquals(5, config.workers());
        assertEquals(Path.of("/from/env"), config.dataDir());
        assertEquals("1g", config.workerHeap());
    }

    @Test
    void flagsTakeEqualsFormAndSwitchesNeedNoValue() throws ConfigException {
        ServeConfig config = parse(Map.of(), "--http=127.0.0.1:9000", "--tune-sysctl", "--workers", "2",
                "--grace-period", "500ms", "--stop-timeout", "2m", "--synchronous", "full",
                "--worker-jvm-opts", "-XX:+UseSerialGC  -Dx=1", "--import-max", "20M");
        assertEquals(new HostPort("127.0.0.1", 9000), config.http());
        assertTrue(config.tuneSysctl());
        assertEquals(2, config.workers());
        assertEquals(Duration.ofMillis(500), config.gracePeriod());
        assertEquals(Duration.ofMinutes(2), config.stopTimeout());
        assertTrue(config.synchronousFull());
        assertEquals(20L << 20, config.importMax());
        assertEquals(List.of("-XX:+UseSerialGC", "-Dx=1"), config.workerJvmOptions());
    }

    @Test
    void portAloneMeansAllInterfaces() throws ConfigException {
        assertEquals(new HostPort("0.0.0.0", 9001), parse(Map.of(), "--http", ":9001").http());
        assertEquals(new HostPort("0.0.0.0", 9002), parse(Map.of(), "--http", "9002").http());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --workers      | abc          | invalid --workers 'abc'
            --workers      | 0            | invalid --workers '0'
            --workers      | 65           | invalid --workers '65'
            --http         | nope         | invalid --http 'nope'
            --http         | 1.2.3.4:0    | invalid --http '1.2.3.4:0'
            --management   | host:99999   | invalid --management 'host:99999'
            --grace-period | soon         | invalid --grace-period 'soon'
            --worker-heap  | lots         | invalid --worker-heap 'lots'
            --synchronous  | sometimes    | invalid --synchronous 'sometimes'
            --tune-sysctl  | maybe        | invalid --tune-sysctl 'maybe'
            --pool-cap     | 0            | invalid --pool-cap '0'
            --import-max   | 5 GB         | invalid --import-max '5 GB'
            --import-max   | 0            | invalid --import-max '0'
            --grace-period | 40s          | the stop timeout (30 s) must be longer than the grace period (40 s)
            """)
    void badFlagValuesNameTheFlag(String flag, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), flag, value));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void unknownFlagIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--wrokers", "2"));
        assertEquals("unknown flag --wrokers (see --help)", e.getMessage());
    }

    @Test
    void flagWithoutValueIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--workers"));
        assertEquals("flag --workers needs a value", e.getMessage());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("HIVELITE_WORKERS", "many")));
        assertTrue(e.getMessage().startsWith("invalid HIVELITE_WORKERS 'many'"), e.getMessage());
    }

    @Test
    void badFileValueNamesTheKeyAndTheFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad.conf"), "http = somewhere\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--config", file.toString()));
        assertTrue(e.getMessage().startsWith("invalid http in " + file + " 'somewhere'"), e.getMessage());
    }

    @Test
    void unknownFileKeyIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("typo.conf"), "wrokers = 2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--config", file.toString()));
        assertEquals("unknown key 'wrokers' in config file " + file, e.getMessage());
    }

    @Test
    void missingConfigFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(Map.of("HIVELITE_CONFIG", tmp.resolve("absent.conf").toString())));
        assertTrue(e.getMessage().startsWith("cannot read config file " + tmp.resolve("absent.conf")
                + " (HIVELITE_CONFIG)"), e.getMessage());
    }

    @Test
    void managementPortMustDifferFromPublicPort() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(Map.of(), "--http", "127.0.0.1:9000", "--management", "127.0.0.1:9000"));
        assertTrue(e.getMessage().contains("--management"), e.getMessage());
    }
}
