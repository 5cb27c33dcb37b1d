package dev.hivelite.node.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ?fields=} as PocketBase's picker reads it: what is kept, what {@code :excerpt} makes of
 * HTML (the cases of PocketBase's own excerpt test among them), and the lists it refuses.
 */
class FieldsPickerTest {

    /** The HTML of PocketBase's excerpt modifier test, and the plain text it expects of it. */
    private static final String HTML = " <script>var a = 123;</script>   <p>Hello</p><div id=\"test_id\">t   est<b>12\n\t3</b>"
            + "<span>456</span></div><span>word <b>7</b> 89<span>!<b>?</b><b> a </b><b>b </b>c</span>#<h1>title</h1>";
    private static final String PLAIN = "Hello t est12 3456 word 7 89!? a b c# title";

    record Pick(String name, String json, String fields, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Pick> picks() {
        String html = Json.mapper().getNodeFactory().textNode(HTML).toString();
        String doc = "{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"t\":" + html + "}";
        int len = PLAIN.length();
        return Stream.of(
                new Pick("keys and dotted keys", doc, "a,b.c", "{\"a\":1,\"b\":{\"c\":2}}"),
                new Pick("a key kept whole beside a longer path", doc, "b,b.c", "{\"b\":{\"c\":2,\"d\":3}}"),
                new Pick("the other keys of a level", doc, "*,b.d", "{\"a\":1,\"b\":{\"d\":3},\"t\":" + html + "}"),
                new Pick("spaces around keys", doc, " a , b.c ", "{\"a\":1,\"b\":{\"c\":2}}"),
                new Pick("excerpt shorter than the text", doc, "t:excerpt(2)", "{\"t\":\"He\"}"),
                new Pick("excerpt as long as the text", doc, "t:excerpt(" + len + ")", "{\"t\":\"" + PLAIN + "\"}"),
                new Pick("excerpt longer than the text", doc, "t:excerpt(" + (len + 5) + ")", "{\"t\":\"" + PLAIN + "\"}"),
                new Pick("excerpt with ellipsis", doc, "t:excerpt(2,t)", "{\"t\":\"He...\"}"),
                new Pick("no ellipsis when nothing is cut", doc, "t:excerpt(" + len + ", true)", "{\"t\":\"" + PLAIN + "\"}"),
                new Pick("an ellipsis argument Go does not read is false", doc, "t:excerpt(12,something)",
                        "{\"t\":\"Hello t est1\"}"),
                new Pick("a zero fraction and an octal max", doc, "t:excerpt(2.0),a:excerpt(010)", "{\"a\":1,\"t\":\"He\"}"),
                new Pick("excerpt leaves other values as they are", doc, "a:excerpt(1)", "{\"a\":1}"),
                new Pick("every kept key excerpted", "{\"x\":\"abc\",\"y\":\"de\"}", "*:excerpt(1)", "{\"x\":\"a\",\"y\":\"d\"}"),
                new Pick("entities decoded, no space around inline tags", "{\"t\":\"<p>caf&eacute; &amp; t<b>es</b>t</p>\"}",
                        "t:excerpt(50)", "{\"t\":\"café & test\"}"),
                new Pick("a character cut in two, as Go writes it", "{\"t\":\"aé\"}", "t:excerpt(2)", "{\"t\":\"a\\uFFFD\"}"),
                new Pick("lists of objects picked item by item", "[{\"a\":1,\"b\":2},{\"a\":3}]", "a", "[{\"a\":1},{\"a\":3}]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("picks")
    void picksAsPocketBase(Pick pick) throws Exception {
        JsonNode node = Json.mapper().readTree(pick.json());
        FieldsPicker.parse(pick.fields()).apply(node);
        assertEquals(Json.mapper().readTree(pick.expected()), node);
    }

    /** Markup cut anywhere, and random markup: an excerpt is always some text, never a failure. */
    @org.junit.jupiter.api.Test
    void anyMarkupHasAnExcerpt() throws Exception {
        String[] pieces = {"<", ">", "</", "<p>", "</p>", "<b>", "</b>", "<script>", "</script", "<!--", "-->", "<!", "&",
                "&#", "&#x", "&amp", ";", "\"", "'", "=", "<img src='>'>", "<head>", "<textarea>", "<svg><svg>", "</svg>",
                "é", "\uD83D\uDE00", " ", "\n", "a", "<title>", "<br/>", "</br>", "<form", "<option>"};
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 2000; n++) {
            StringBuilder html = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                html.append(pieces[random.nextInt(pieces.length)]);
            }
            for (int max : new int[] {1, 3, 50}) {
                JsonNode node = Json.mapper().createObjectNode().put("t", html.toString());
                FieldsPicker.parse("t:excerpt(" + max + ",true)").apply(node);
                String text = node.get("t").asText();
                org.junit.jupiter.api.Assertions.assertTrue(
                        text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= max + 3 * (max + 3),
                        html + " -> " + text);
            }
        }
    }

    static Stream<String> refused() {
        return Stream.of("t:nope", "t:excerpt", "t:excerpt()", "t:excerpt(abc)", "t:excerpt(0)", "t:excerpt(1,true,x)",
                "t:excerpt(2", "a,'b", "t:excerpt(99999999999999999999)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWhatPocketBaseCannotRead(String fields) {
        ApiException e = assertThrows(ApiException.class, () -> FieldsPicker.parse(fields));
        assertEquals(400, e.status());
        assertEquals("Something went wrong while processing your request.", e.getMessage());
    }
}
