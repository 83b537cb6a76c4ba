package io.socketleak.agent.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict recursive-descent JSON parser (RFC 8259) for tests: objects become {@link LinkedHashMap}s
 * (a JSON {@code null} value is a present key mapped to {@code null}), arrays {@link List}s, numbers
 * {@link Long} when integral and {@link Double} otherwise. Anything that is not JSON, such as a
 * trailing comma, a raw control character inside a string or text after the value, is an error.
 */
final class JsonParser {
    private final String text;
    private int pos;

    private JsonParser(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        JsonParser p = new JsonParser(text);
        p.skipBlanks();
        Object value = p.value();
        p.skipBlanks();
        if (p.pos != text.length()) {
            throw p.error("text after the value");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + text);
        }
        return (Map<String, Object>) value;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("value expected");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        skipBlanks();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            skipBlanks();
            if (!peek('"')) {
                throw error("name expected");
            }
            String name = string();
            if (map.containsKey(name)) {
                throw error("duplicate name '" + name + "'");
            }
            skipBlanks();
            expect(':');
            skipBlanks();
            map.put(name, value());
            skipBlanks();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array() {
        expect('[');
        List<Object> list = new ArrayList<>();
        skipBlanks();
        if (peek(']')) {
            pos++;
            return list;
        }
        while (true) {
            skipBlanks();
            list.add(value());
            skipBlanks();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("raw control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    String hex = text.substring(pos, pos + 4);
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw error("bad \\u escape");
                    }
                    out.append((char) Integer.parseInt(hex, 16));
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
        } else if (pos < text.length() && text.charAt(pos) >= '1' && text.charAt(pos) <= '9') {
            digits();
        } else {
            throw error("digit expected");
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            pos++;
            if (digits() == 0) {
                throw error("digit expected after '.'");
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (digits() == 0) {
                throw error("digit expected in exponent");
            }
        }
        String literal = text.substring(start, pos);
        if (integral) {
            return new BigDecimal(literal).longValueExact();
        }
        return Double.parseDouble(literal);
    }

    private int digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error(word + " expected");
        }
        pos += word.length();
        return value;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
        pos++;
    }

    private void skipBlanks() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, pos - 30);
        int to = Math.min(text.length(), pos + 30);
        return new IllegalArgumentException(what + " at " + pos + ": ..." + text.substring(from, to) + "...");
    }
}
