package io.socketleak.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The agent's settings, read once at start.
 *
 * <p>Each key can be given as an agent argument {@code key=value}, a system property
 * {@code socketleak.key} or an environment variable {@code SOCKETLEAK_KEY}; the first source that
 * has the key wins. A repeatable key may appear several times among the agent arguments, or as a
 * comma-separated list in a property or variable.
 */
public record Options(
        Duration interval,
        String report,
        boolean failOnLeak,
        Duration closeWaitAfter,
        double warnAt,
        List<String> exclude,
        Duration timeWait,
        PortRange portRange,
        boolean jmx,
        String log,
        int maxTracked,
        boolean blockingStartup) {

    /** Every key, in the order the help text lists them, with the form a value must have. */
    public enum Key {
        INTERVAL("interval", "a duration like 30s"),
        REPORT("report", "a file path"),
        FAIL_ON_LEAK("failOnLeak", "true or false"),
        CLOSE_WAIT_AFTER("closeWaitAfter", "a duration like 30s"),
        WARN_AT("warnAt", "a fraction between 0 and 1 like 0.8"),
        EXCLUDE("exclude", "a frame prefix like com.acme.pool"),
        TIME_WAIT("timeWait", "a duration like 60s"),
        PORT_RANGE("portRange", "two port numbers like 32768-60999"),
        JMX("jmx", "true or false"),
        LOG("log", "stderr or a file path"),
        MAX_TRACKED("maxTracked", "a whole number of sockets like 100000"),
        STARTUP("startup", "background or blocking");

        final String name;
        final String expected;

        Key(String name, String expected) {
            this.name = name;
            this.expected = expected;
        }

        public String optionName() {
            return name;
        }

        String propertyName() {
            return "socketleak." + name;
        }

        String environmentName() {
            return "SOCKETLEAK_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        }

        static Key named(String name) {
            for (Key key : values()) {
                if (key.name.equals(name)) {
                    return key;
                }
            }
            return null;
        }
    }

    public static Options defaults() {
        try {
            return parse(null, Map.of(), Map.of());
        } catch (BadOptionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the options from the three sources.
     *
     * @param agentArgs  the text after {@code =} in {@code -javaagent:jar=...}, or null
     * @param properties system properties
     * @param env        environment variables
     */
    public static Options parse(String agentArgs, Map<?, ?> properties, Map<String, String> env)
            throws BadOptionException {
        Map<Key, List<String>> given = new LinkedHashMap<>();
        if (agentArgs != null) {
            for (String item : agentArgs.split(",")) {
                String entry = item.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                String name = eq < 0 ? entry : entry.substring(0, eq).strip();
                Key key = Key.named(name);
                if (key == null) {
                    throw new BadOptionException("unknown option '" + oneLine(entry) + "': valid keys are "
                            + keyNames());
                }
                if (eq < 0) {
                    throw new BadOptionException("bad option '" + oneLine(entry) + "': expected " + name + "="
                            + key.expected);
                }
                given.computeIfAbsent(key, k -> new ArrayList<>()).add(entry.substring(eq + 1).strip());
            }
        }
        for (Key key : Key.values()) {
            if (given.containsKey(key)) {
                continue;
            }
            Object fromProperty = properties.get(key.propertyName());
            String value = fromProperty != null ? fromProperty.toString() : env.get(key.environmentName());
            if (value != null) {
                List<String> values = new ArrayList<>();
                if (key == Key.EXCLUDE) {
                    for (String part : value.split(",")) {
                        if (!part.isBlank()) {
                            values.add(part.strip());
                        }
                    }
                } else {
                    values.add(value.strip());
                }
                given.put(key, values);
            }
        }
        Reader r = new Reader(given);
        Duration interval = r.one(Key.INTERVAL, "60s", Durations::parse);
        String report = r.one(Key.REPORT, null, Reader::nonEmpty);
        boolean failOnLeak = r.one(Key.FAIL_ON_LEAK, "false", Reader::bool);
        Duration closeWaitAfter = r.one(Key.CLOSE_WAIT_AFTER, "30s", Durations::parse);
        double warnAt = r.one(Key.WARN_AT, "0.8", Reader::fraction);
        List<String> exclude = List.copyOf(r.all(Key.EXCLUDE));
        Duration timeWait = r.one(Key.TIME_WAIT, null, Durations::parse);
        PortRange portRange = r.one(Key.PORT_RANGE, null, PortRange::parse);
        boolean jmx = r.one(Key.JMX, "true", Reader::bool);
        String log = r.one(Key.LOG, "stderr", Reader::nonEmpty);
        int maxTracked = r.one(Key.MAX_TRACKED, "100000", Reader::positiveInt);
        // A CI run that fails on leaks wants every socket from the first instruction on.
        String startup = r.one(Key.STARTUP, failOnLeak ? "blocking" : "background", Reader::startup);
        for (String prefix : exclude) {
            if (prefix.isEmpty()) {
                throw new BadOptionException("bad option 'exclude=': expected " + Key.EXCLUDE.expected);
            }
        }
        if (timeWait != null && timeWait.isZero()) {
            throw new BadOptionException("bad option 'timeWait=" + oneLine(given.get(Key.TIME_WAIT).get(0))
                    + "': expected " + Key.TIME_WAIT.expected);
        }
        return new Options(interval, report, failOnLeak, closeWaitAfter, warnAt, exclude, timeWait, portRange,
                jmx, log, maxTracked, startup.equals("blocking"));
    }

    /** A value as it can stand in a one-line message: control characters shown as escapes. */
    static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static String keyNames() {
        StringBuilder names = new StringBuilder();
        for (Key key : Key.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(key.name);
        }
        return names.toString();
    }

    /** Turns each given value into its type, or fails naming the key, the value and the expected form. */
    private record Reader(Map<Key, List<String>> given) {

        <T> T one(Key key, String fallback, Function<String, T> convert) throws BadOptionException {
            List<String> values = given.get(key);
            if (values != null && values.size() > 1 && key != Key.EXCLUDE) {
                throw new BadOptionException("option '" + key.name + "' given " + values.size()
                        + " times: it takes one value, " + key.expected);
            }
            String value = values == null ? fallback : values.get(0);
            if (value == null) {
                return null;
            }
            try {
                return convert.apply(value);
            } catch (IllegalArgumentException e) {
                throw new BadOptionException("bad option '" + key.name + "=" + oneLine(value) + "': expected "
                        + key.expected);
            }
        }

        List<String> all(Key key) {
            return given.getOrDefault(key, List.of());
        }

        static String nonEmpty(String value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return value;
        }

        static boolean bool(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException();
            };
        }

        static double fraction(String value) {
            double d = Double.parseDouble(value); // NumberFormatException is an IllegalArgumentException
            if (!(d > 0 && d <= 1)) {
                throw new IllegalArgumentException();
            }
            return d;
        }

        static String startup(String value) {
            if (!value.equals("background") && !value.equals("blocking")) {
                throw new IllegalArgumentException();
            }
            return value;
        }

        static int positiveInt(String value) {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n <= 0) {
                throw new IllegalArgumentException();
            }
            return n;
        }
    }
}
