package dev.hivelite.node.records.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Values from the filter text reach SQLite only as bound parameters, never as SQL text. */
class FilterValuesAreAlwaysBoundTest {

    private static final String ATTACK = "x' OR 1=1 --";

    @Test
    void quotedAttackIsOnlyAParameter() throws Exception {
        for (String filter : List.of("title = \"" + ATTACK + "\"", "title ~ \"" + ATTACK + "\"",
                "title != \"" + ATTACK + "\" && title = 'nothing'", "tags ?= \"" + ATTACK + "\"",
                "strftime(\"" + ATTACK + "\", created) = 'x'")) {
            FilterCompiler.Compiled c = FilterCompiler.compile(
                    FilterParser.parse(filter), TestResolver.anonymous(), FilterTestDb.CLOCK);
            assertFalse(c.sql().contains("1=1 --"), c.sql());
            assertFalse(c.sql().contains("x'"), c.sql());
            assertTrue(c.params().stream().anyMatch(p -> String.valueOf(p).contains(ATTACK)), filter);
            try (FilterTestDb db = new FilterTestDb()) {
                assertEquals(Set.of(), db.ids(c), filter);
            }
        }
    }

    @Test
    void dropTableValueLeavesTableIntact() throws Exception {
        try (FilterTestDb db = new FilterTestDb()) {
            assertEquals(Set.of(), db.ids("title = \"'); DROP TABLE t; --\"", TestResolver.anonymous()));
            assertEquals(7, db.rowCount());
        }
    }

    @Test
    void everyLiteralAndMacroIsAPlaceholder() {
        FilterCompiler.Compiled c = FilterCompiler.compile(FilterParser.parse(
                "views > 41 && title ~ 'abc' && created < @now && active = true && title != null"),
                TestResolver.anonymous(), FilterTestDb.CLOCK);
        assertFalse(c.sql().contains("41") || c.sql().contains("abc") || c.sql().contains("2026"), c.sql());
        assertEquals(List.of(41L, "%abc%", "2026-11-30 12:00:00.000Z", 1L), c.params());
        assertTrue(c.sql().startsWith("(") && c.sql().endsWith(")"), c.sql());
    }
}
