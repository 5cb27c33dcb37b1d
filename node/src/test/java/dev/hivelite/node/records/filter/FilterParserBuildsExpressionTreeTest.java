package dev.hivelite.node.records.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hivelite.node.records.filter.Expr.And;
import dev.hivelite.node.records.filter.Expr.Compare;
import dev.hivelite.node.records.filter.Expr.Or;
import dev.hivelite.node.records.filter.Operand.Call;
import dev.hivelite.node.records.filter.Operand.Identifier;
import dev.hivelite.node.records.filter.Operand.Literal;
import dev.hivelite.node.records.filter.Operand.Macro;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser produces the documented tree: literals, identifiers with modifiers, macros, calls. */
class FilterParserBuildsExpressionTreeTest {

    private static Compare cmp(Operand l, Op op, Operand r) {
        return new Compare(l, op, r);
    }

    @Test
    void andBindsTighterThanOr() {
        Expr e = FilterParser.parse("a = 1 || b = 2 && c = 3");
        assertEquals(new Or(List.of(
                cmp(new Identifier("a"), Op.EQ, new Literal(1L)),
                new And(List.of(cmp(new Identifier("b"), Op.EQ, new Literal(2L)),
                        cmp(new Identifier("c"), Op.EQ, new Literal(3L)))))), e);
    }

    @Test
    void operandKinds() {
        assertEquals(cmp(new Identifier("@request.body.title:isset"), Op.EQ, new Literal(true)),
                FilterParser.parse("@request.body.title:isset = true"));
        assertEquals(cmp(new Identifier("someRel_via_other.field"), Op.ANY_NEQ, new Literal(null)),
                FilterParser.parse("someRel_via_other.field ?!= NULL"));
        assertEquals(cmp(new Identifier("@collection.posts.author"), Op.ANY_LIKE, new Literal("It's")),
                FilterParser.parse("@collection.posts.author ?~ 'It\\'s'"));
        assertEquals(cmp(new Macro("@todayStart"), Op.LTE, new Literal(-1.5)),
                FilterParser.parse("@todayStart <= -1.5"));
        assertEquals(cmp(new Call("geoDistance", List.of(new Identifier("lon"), new Identifier("lat"),
                        new Literal(1L), new Literal(-2.25))), Op.LT, new Literal(25L)),
                FilterParser.parse("geoDistance(lon, lat, 1, -2.25) < 25"));
        assertEquals(cmp(new Literal("a\\b"), Op.NOT_LIKE, new Literal(false)),
                FilterParser.parse("\"a\\b\" !~ false"));
    }

    @Test
    void blankOrCommentOnlyIsAlways() {
        assertSame(FilterParser.ALWAYS, FilterParser.parse(""));
        assertSame(FilterParser.ALWAYS, FilterParser.parse(null));
        assertSame(FilterParser.ALWAYS, FilterParser.parse(" // just a note"));
        assertEquals("(1=1)", FilterCompiler.compile(FilterParser.ALWAYS, TestResolver.anonymous(),
                FilterTestDb.CLOCK).sql());
    }

    @Test
    void operatorSymbols() {
        for (Op op : Op.values()) {
            assertSame(op, Op.fromSymbol(op.symbol()));
            assertEquals(op.symbol().startsWith("?"), op.isAny());
            assertFalse(op.base().isAny());
            assertEquals(op.symbol().replace("?", ""), op.base().symbol());
        }
        assertTrue(Op.ANY_GTE.isAny());
        assertSame(Op.GTE, Op.ANY_GTE.base());
    }

    @Test
    void likeValueEscapingFollowsPocketBase() {
        assertEquals("%abc%", LikePattern.of("abc"));
        assertEquals("%a\\_b%", LikePattern.of("a_b"));
        assertEquals("%a\\_b%", LikePattern.of("a\\_b"));
        assertEquals("%a\\\\b%", LikePattern.of("a\\b"));
        assertEquals("%\\%x%", LikePattern.of("\\%x"));
        assertEquals("%\\_%", LikePattern.of("_"));
        assertEquals("a%_b", LikePattern.of("a%_b"));
        assertEquals("\\\\%", LikePattern.of("\\\\%"));
    }
}
