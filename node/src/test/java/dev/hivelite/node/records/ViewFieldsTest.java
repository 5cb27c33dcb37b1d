package dev.hivelite.node.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading a view's select list: which source column each result column names, by position. */
class ViewFieldsTest {

    @Test
    void plainAliasedAndQualifiedColumns() {
        assertEquals(List.of("id", "doc", "avatar", "title"), ViewFields.selectedColumns(
                "SELECT p.id, p.doc AS attachment, u.avatar pic, \"title\" FROM posts p JOIN users u ON u.id = p.owner"));
    }

    @Test
    void expressionsHaveNoSourceColumn() {
        assertEquals(Arrays.asList("id", null, null, null), ViewFields.selectedColumns(
                "select distinct id, count(*) as n, coalesce(a, 'x, y') AS c, (SELECT max(v) FROM t) m from posts group by id"));
    }

    @Test
    void theOutermostSelectListOfACommonTableExpression() {
        assertEquals(List.of("id", "name"), ViewFields.selectedColumns(
                "WITH x AS (SELECT id, name, other FROM a) SELECT x.id, [name] FROM x"));
    }

    @Test
    void commentsAreNotPartOfTheList() {
        assertEquals(List.of("id", "title"), ViewFields.selectedColumns(
                "/* select a, b, c from x */ SELECT id, -- the key, then from here\n title FROM posts"));
    }

    @Test
    void aStarCannotBeMatchedByPosition() {
        assertNull(ViewFields.selectedColumns("SELECT p.*, u.id AS owner FROM posts p JOIN users u"));
        assertNull(ViewFields.selectedColumns("SELECT * FROM posts"));
    }
}
