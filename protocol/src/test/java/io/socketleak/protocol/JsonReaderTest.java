package io.socketleak.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void readsObjectsArraysAndScalars() {
        Object value = JsonReader.parse(" {\"a\": [1, -2, 3.5, 1e3], \"b\": {\"c\": true, \"d\": false}, \"e\": null, \"f\": \"x\"} ");
        Map<?, ?> root = (Map<?, ?>) value;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0), root.get("a"));
        assertEquals(Map.of("c", true, "d", false), root.get("b"));
        assertTrue(root.containsKey("e"));
        assertNull(root.get("e"));
        assertEquals("x", root.get("f"));
        assertEquals(List.of("a", "b", "e", "f"), List.copyOf(root.keySet()), "member order is kept");
    }

    @Test
    void readsEmptyContainers() {
        assertEquals(Map.of(), JsonReader.parse("{}"));
        assertEquals(List.of(), JsonReader.parse("[ ]"));
        assertEquals(Arrays.asList(List.of(), Map.of()), JsonReader.parse("[[],{}]"));
    }

    @Test
    void readsEscapes() {
        assertEquals("q\" b\\ s/ \b\f\n\r\t é ☃", JsonReader.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u2603\""));
        assertEquals("com.acme.Foo$Bar.<init>(Foo.java:3)", JsonReader.parse("\"com.acme.Foo$Bar.<init>(Foo.java:3)\""));
    }

    @Test
    void numbersTooBigForALongBecomeDoubles() {
        assertEquals(Long.MAX_VALUE, JsonReader.parse("9223372036854775807"));
        assertEquals(1e19, JsonReader.parse("10000000000000000000"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "tru", "\"open", "\"\\x\"",
                "1 2", "-", "1.", "1e", "\"\\u12\"", "\"tab\there\"", "[1 2]", "\"raw\ncontrol\"", "01", "-01",
                "{} {}", "{'a':1}", "[NaN]", "{\"a\":1,\"a\":2}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad JSON at position "), e.getMessage());
        }
    }

    @Test
    void namesThePositionOfTheError() {
        assertEquals("bad JSON at position 6: ',' or ']' expected",
                assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[1, 2 3]")).getMessage());
    }
}
