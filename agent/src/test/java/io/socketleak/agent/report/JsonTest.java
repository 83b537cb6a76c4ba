package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.protocol.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static String stringValue(String s) {
        return new Json().value(s).toString();
    }

    // ---- escaping ---------------------------------------------------------------------------------

    @Test
    void quotesInsideAStringAreEscaped() {
        assertEquals("\"say \\\"hi\\\"\"", stringValue("say \"hi\""));
    }

    @Test
    void backslashesAreEscaped() {
        assertEquals("\"C:\\\\temp\\\\x\"", stringValue("C:\\temp\\x"));
    }

    @Test
    void newlineCarriageReturnAndTabUseTheirShortEscapes() {
        assertEquals("\"a\\nb\\rc\\td\"", stringValue("a\nb\rc\td"));
    }

    @Test
    void otherControlCharactersAreWrittenAsUnicodeEscapes() {
        String json = stringValue("\u0000\u0001\b\f\u001f");
        // RFC 8259: every character below U+0020 must be escaped; \\u form is valid for all of them.
        for (int i = 1; i < json.length() - 1; i++) {
            assertTrue(json.charAt(i) >= 0x20, () -> "raw control character in " + json);
        }
        assertEquals("\u0000\u0001\b\f\u001f", JsonReader.parse(json));
        assertTrue(json.contains("\\u0000") && (json.contains("\\u001f") || json.contains("\\u001F")), json);
    }

    @Test
    void everyAsciiCharacterSurvivesTheRoundTrip() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            all.append(c);
        }
        assertEquals(all.toString(), JsonReader.parse(stringValue(all.toString())));
    }

    @Test
    void nonAsciiTextIsKeptAsItIs() {
        String text = "Grüße → 東京 \u2028 😀";
        assertEquals(text, JsonReader.parse(stringValue(text)));
    }

    @Test
    void namesAreEscapedLikeValues() {
        String json = new Json().beginObject().field("we\"ird\\key\n", 1).endObject().toString();
        assertEquals(Map.of("we\"ird\\key\n", 1L), JsonReader.parse(json));
    }

    @Test
    void aNullStringIsJsonNull() {
        String json = new Json().beginObject().field("x", (String) null).endObject().toString();
        assertEquals("{\"x\":null}", json);
        Map<String, Object> parsed = JsonReader.parseObject(json);
        assertTrue(parsed.containsKey("x"));
        assertNull(parsed.get("x"));
    }

    // ---- numbers and literals ---------------------------------------------------------------------

    @Test
    void numbersAndBooleansAreWrittenBare() {
        String json = new Json().beginObject().field("n", 42L).field("neg", -7L).field("f", 0.25)
                .field("t", true).field("no", false).endObject().toString();
        assertEquals("{\"n\":42,\"neg\":-7,\"f\":0.25,\"t\":true,\"no\":false}", json);
    }

    @Test
    void nonFiniteDoublesBecomeNullBecauseJsonHasNoSuchNumbers() {
        String json = new Json().beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY)
                .value(Double.NEGATIVE_INFINITY).endArray().toString();
        assertEquals("[null,null,null]", json);
    }

    @Test
    void verySmallAndLargeDoublesAreStillValidJsonNumbers() {
        String json = new Json().beginArray().value(0.00005).value(1.5e20).value(Long.MIN_VALUE).endArray().toString();
        assertEquals(List.of(0.00005, 1.5e20, Long.MIN_VALUE), JsonReader.parse(json));
    }

    @Test
    void nullValueWritesNull() {
        assertEquals("[1,null,2]", new Json().beginArray().value(1L).nullValue().value(2L).endArray().toString());
    }

    // ---- structure --------------------------------------------------------------------------------

    @Test
    void nestedObjectsAndArraysAreSeparatedByExactlyOneComma() {
        String json = new Json().beginObject()
                .name("a").beginArray()
                    .value(1L)
                    .beginObject().field("b", 2L).endObject()
                    .beginArray().endArray()
                .endArray()
                .name("c").beginObject().endObject()
                .field("d", "e")
                .endObject().toString();
        assertEquals("{\"a\":[1,{\"b\":2},[]],\"c\":{},\"d\":\"e\"}", json);
    }

    @Test
    void emptyObjectsAndArrays() {
        assertEquals("{}", new Json().beginObject().endObject().toString());
        assertEquals("[]", new Json().beginArray().endArray().toString());
        assertEquals("[[],{}]", new Json().beginArray().beginArray().endArray().beginObject().endObject().endArray()
                .toString());
    }

    @Test
    void stringsWritesANamedArrayOfStrings() {
        String json = new Json().beginObject().strings("frames", List.of("a.B.c(B.java:1)", "x\"y"))
                .strings("none", List.of()).field("after", 1L).endObject().toString();
        assertEquals(Map.of("frames", List.of("a.B.c(B.java:1)", "x\"y"), "none", List.of(), "after", 1L),
                JsonReader.parse(json));
    }

    @Test
    void objectsInsideAnArrayFollowingOtherFieldsStayValid() {
        Json json = new Json().beginObject().field("before", 1L).name("items").beginArray();
        for (int i = 0; i < 3; i++) {
            json.beginObject().field("i", (long) i).strings("tags", List.of("t" + i)).endObject();
        }
        String text = json.endArray().field("after", true).endObject().toString();
        Map<String, Object> parsed = JsonReader.parseObject(text);
        assertEquals(1L, parsed.get("before"));
        assertEquals(3, ((List<?>) parsed.get("items")).size());
        assertEquals(Map.of("i", 2L, "tags", List.of("t2")), ((List<?>) parsed.get("items")).get(2));
        assertEquals(true, parsed.get("after"));
    }
}
