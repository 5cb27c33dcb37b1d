package dev.hivelite.node.records.filter;

import static dev.hivelite.node.records.filter.Scenario.of;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Multi-valued operands: a plain operator needs every item to match ("multi-match"), an
 * any-operator needs one. An empty or NULL set compares like a single NULL value.
 * Tags: r1 [a,b], r2 [], r3 NULL, r4 [b], r5 [a,c,a], r6 [c], r7 [a]; tag_rel mirrors them minus r7.
 */
class MultiValuedFieldsMatchAllOrAnyTest {

    private static final List<Scenario> JSON_ARRAY = List.of(
            of("any equal", "tags ?= 'a'", "r1", "r5", "r7"),
            of("all equal", "tags = 'a'", "r7"),
            of("each modifier resolves the same", "tags:each = 'a'", "r7"),
            of("none equal", "tags != 'a'", "r2", "r3", "r4", "r6"),
            of("any not equal", "tags ?!= 'a'", "r1", "r2", "r3", "r4", "r5", "r6"),
            of("empty set equals empty", "tags = ''", "r2", "r3"),
            of("empty set any-equals null", "tags ?= null", "r2", "r3"),
            of("non-empty sets differ from empty", "tags != ''", "r1", "r4", "r5", "r6", "r7"),
            of("any like", "tags ?~ 'b'", "r1", "r4"),
            of("all like", "tags ~ 'a'", "r7"),
            of("none like, empty set fails", "tags !~ 'a'", "r4", "r6"),
            of("any greater", "tags ?> 'b'", "r5", "r6"),
            of("all greater or equal", "tags >= 'b'", "r4", "r6"),
            of("all less, empty set fails", "tags < 'c'", "r1", "r4", "r7"),
            of("any less or equal", "tags ?<= 'a'", "r1", "r5", "r7"),
            of("any greater or equal", "tags ?>= 'c'", "r5", "r6"),
            of("any less", "tags ?< 'b'", "r1", "r5", "r7"),
            of("any not like", "tags ?!~ 'a'", "r1", "r4", "r5", "r6"),
            of("set on the right", "'a' ?= tags", "r1", "r5", "r7"),
            of("length modifier is single-valued", "tags:length > 1", "r1", "r5"),
            of("length zero", "tags:length = 0", "r2"),
            of("combined with single-valued", "tags ?= 'a' && views > 0", "r1", "r7"));

    private static final List<Scenario> RELATION = List.of(
            of("any over FROM with WHERE", "rel.name ?= 'c'", "r5", "r6"),
            of("all over FROM with WHERE", "rel.name = 'b'", "r4"),
            of("params in value and FROM keep their order", "relp.name ?= 'a'", "r1", "r5"),
            of("params with a literal after them", "relp.name ?= 'a' && views = 10", "r1"),
            of("many vs many, any pair", "tags ?= rel.name", "r1", "r2", "r3", "r4", "r5", "r6"),
            of("many vs many, every pair", "tags = rel.name", "r2", "r3", "r4", "r6"),
            of("many vs many, no pair equal", "tags != rel.name", "r7"));

    @TestFactory
    Stream<DynamicTest> jsonArrayValues() {
        return ScenarioRunner.run(JSON_ARRAY, TestResolver.anonymous());
    }

    @TestFactory
    Stream<DynamicTest> relationValues() {
        return ScenarioRunner.run(RELATION, TestResolver.anonymous());
    }
}
