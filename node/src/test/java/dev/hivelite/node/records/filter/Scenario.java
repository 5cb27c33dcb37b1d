package dev.hivelite.node.records.filter;

import java.util.Set;

/** One row of a scenario table: a filter and the exact ids it must match. */
record Scenario(String name, String filter, Set<String> expected) {

    static Scenario of(String name, String filter, String... ids) {
        return new Scenario(name, filter, Set.of(ids));
    }
}
