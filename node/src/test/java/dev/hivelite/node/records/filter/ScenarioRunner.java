package dev.hivelite.node.records.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Turns a scenario table into one dynamic test per row, all against a fresh database. */
final class ScenarioRunner {
    private ScenarioRunner() {
    }

    static Stream<DynamicTest> run(List<Scenario> table, Resolver resolver) {
        return table.stream().map(s -> DynamicTest.dynamicTest(s.name() + " :: " + s.filter(), () -> {
            try (FilterTestDb db = new FilterTestDb()) {
                assertEquals(new TreeSet<>(s.expected()), db.ids(s.filter(), resolver), s.filter());
            }
        }));
    }
}
