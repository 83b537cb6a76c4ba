package io.socketleak.html;

import java.util.List;
import java.util.Map;

/**
 * Reads a JSON report as {@link io.socketleak.protocol.JsonReader} gives it, forgiving what is
 * missing, null or of another type (an older agent's report): each accessor answers null, an empty
 * list or the default, never throws.
 */
final class Fields {
    private Fields() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object parent, String key) {
        Object value = get(parent, key);
        return value instanceof Map ? (Map<String, Object>) value : null;
    }

    /** The members of the list that are objects; other members are left out. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object parent, String key) {
        Object value = get(parent, key);
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList();
    }

    /** The members of the list as text (numbers written as they are); nulls left out. */
    static List<String> strings(Object parent, String key) {
        Object value = get(parent, key);
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(v -> v != null && !(v instanceof Map) && !(v instanceof List))
                .map(String::valueOf).toList();
    }

    /** The numbers of the list, a null or non-number member as 0 (a sample that was not taken). */
    static double[] numbers(Object parent, String key) {
        Object value = get(parent, key);
        if (!(value instanceof List<?> list)) {
            return new double[0];
        }
        double[] numbers = new double[list.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = list.get(i) instanceof Number n ? n.doubleValue() : 0;
        }
        return numbers;
    }

    static String string(Object parent, String key) {
        Object value = get(parent, key);
        return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }

    static Double number(Object parent, String key) {
        return get(parent, key) instanceof Number n ? n.doubleValue() : null;
    }

    /** The number when it is above 0, else {@code absent}. */
    static double positive(Object parent, String key, double absent) {
        return get(parent, key) instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : absent;
    }

    static long count(Object parent, String key, long absent) {
        return get(parent, key) instanceof Number n ? n.longValue() : absent;
    }

    static boolean flag(Object parent, String key) {
        return Boolean.TRUE.equals(get(parent, key));
    }

    static boolean has(Object parent, String key) {
        return get(parent, key) != null;
    }

    private static Object get(Object parent, String key) {
        return parent instanceof Map<?, ?> map ? map.get(key) : null;
    }
}
