package io.socketleak.agent.config;

import io.socketleak.agent.kernel.ProcFiles;
import io.socketleak.protocol.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's settings, read at start; those of {@link #CHANGEABLE} may change later ({@link #with}).
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
        int maxTracked) {

    /** Every key, in the order the help text lists them, with the form a value must have. */
    public enum Key {
        INTERVAL("interval", "a duration like 30s"),
        REPORT("report", "a file path, where %p stands for the pid and %% for %"),
        FAIL_ON_LEAK("failOnLeak", "true or false"),
        CLOSE_WAIT_AFTER("closeWaitAfter", "a duration like 30s"),
        WARN_AT("warnAt", "a fraction between 0 and 1 like 0.8"),
        EXCLUDE("exclude", "a frame prefix like com.acme.pool", true),
        TIME_WAIT("timeWait", "a duration like 60s"),
        PORT_RANGE("portRange", "two port numbers like 32768-60999"),
        JMX("jmx", "true or false"),
        LOG("log", "stderr or a file path"),
        MAX_TRACKED("maxTracked", "a whole number of sockets like 100000");

        final String name;
        final String expected;
        /** May be given several times (a comma-separated list in a property or variable). */
        final boolean repeatable;

        Key(String name, String expected) {
            this(name, expected, false);
        }

        Key(String name, String expected, boolean repeatable) {
            this.name = name;
            this.expected = expected;
            this.repeatable = repeatable;
        }

        public String optionName() {
            return name;
        }

        String propertyName() {
            return "socketleak." + name;
        }

        /** {@code closeWaitAfter} becomes {@code SOCKETLEAK_CLOSE_WAIT_AFTER}. */
        String environmentName() {
            StringBuilder env = new StringBuilder("SOCKETLEAK_");
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.isUpperCase(c)) {
                    env.append('_');
                }
                env.append(Character.toUpperCase(c));
            }
            return env.toString();
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

    /** The keys a running agent takes new values for (an attach with options, the MXBean's attributes). */
    public static final Set<Key> CHANGEABLE = Collections.unmodifiableSet(EnumSet.of(Key.INTERVAL, Key.REPORT,
            Key.CLOSE_WAIT_AFTER, Key.WARN_AT, Key.LOG));

    /**
     * New values for some of the options of a running agent.
     *
     * @param options the options with the new values in place
     * @param applied the changes, {@code key=value} each, in the order given
     */
    public record Change(Options options, List<String> applied) {
    }

    /**
     * These options with the values of {@code agentArgs} in their place. All or nothing: a key that
     * cannot change at run time, or a bad value, fails the whole change, naming it.
     */
    public Change with(String agentArgs) throws BadOptionException {
        Map<Key, Given> given = given(agentArgs, Map.of(), Map.of(), true);
        List<String> fixed = new ArrayList<>();
        for (Key key : given.keySet()) {
            if (!CHANGEABLE.contains(key)) {
                fixed.add(key.name);
            }
        }
        if (!fixed.isEmpty()) {
            throw new BadOptionException(String.join(", ", fixed) + (fixed.size() == 1 ? " is" : " are")
                    + " fixed at start and cannot change in a running agent (restart the JVM with it); these can: "
                    + changeableNames());
        }
        // An empty report= turns the report file off; every other value is checked as at start.
        boolean reportOff = given.containsKey(Key.REPORT) && given.get(Key.REPORT).values.get(0).isEmpty();
        Map<Key, Given> checked = new LinkedHashMap<>(given);
        if (reportOff) {
            checked.remove(Key.REPORT);
        }
        Options parsed = of(checked);
        List<String> applied = new ArrayList<>();
        for (Map.Entry<Key, Given> entry : given.entrySet()) {
            // The report's path as it will be written, %p replaced: the answer says where the file is.
            String value = entry.getKey() == Key.REPORT && !reportOff ? parsed.report
                    : entry.getValue().values.get(0);
            applied.add(entry.getKey().name + "=" + oneLine(value));
        }
        return new Change(new Options(
                given.containsKey(Key.INTERVAL) ? parsed.interval : interval,
                reportOff ? null : given.containsKey(Key.REPORT) ? parsed.report : report,
                failOnLeak,
                given.containsKey(Key.CLOSE_WAIT_AFTER) ? parsed.closeWaitAfter : closeWaitAfter,
                given.containsKey(Key.WARN_AT) ? parsed.warnAt : warnAt,
                exclude, timeWait, portRange, jmx,
                given.containsKey(Key.LOG) ? parsed.log : log,
                maxTracked), List.copyOf(applied));
    }

    /** Checks a change without an agent to apply it to (the command line, before it attaches). */
    public static void checkChange(String agentArgs) throws BadOptionException {
        defaults().with(agentArgs);
    }

    public static String changeableNames() {
        StringBuilder names = new StringBuilder();
        for (Key key : CHANGEABLE) {
            names.append(names.length() == 0 ? "" : ", ").append(key.name);
        }
        return names.toString();
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
        return of(given(agentArgs, properties, env, true));
    }

    private static Options of(Map<Key, Given> given) throws BadOptionException {
        Reader r = new Reader(given);
        Duration interval = r.duration(Key.INTERVAL, "60s");
        String report = r.path(Key.REPORT);
        boolean failOnLeak = r.bool(Key.FAIL_ON_LEAK, "false");
        Duration closeWaitAfter = r.duration(Key.CLOSE_WAIT_AFTER, "30s");
        double warnAt = r.fraction(Key.WARN_AT, "0.8");
        List<String> exclude = List.copyOf(r.all(Key.EXCLUDE));
        Duration timeWait = r.duration(Key.TIME_WAIT, null);
        PortRange portRange = r.portRange(Key.PORT_RANGE, null);
        boolean jmx = r.bool(Key.JMX, "true");
        String log = r.text(Key.LOG, "stderr");
        int maxTracked = r.positiveInt(Key.MAX_TRACKED, "100000");
        for (String prefix : exclude) {
            if (prefix.isEmpty()) {
                throw Reader.bad(Key.EXCLUDE, given.get(Key.EXCLUDE), "");
            }
        }
        if (timeWait != null && timeWait.isZero()) {
            throw Reader.bad(Key.TIME_WAIT, given.get(Key.TIME_WAIT), given.get(Key.TIME_WAIT).values.get(0));
        }
        return new Options(interval, report, failOnLeak, closeWaitAfter, warnAt, exclude, timeWait, portRange,
                jmx, log, maxTracked);
    }

    /**
     * Whether {@code failOnLeak} was asked for, in any of the three sources, whatever else is wrong:
     * any value but {@code false} counts ({@code failOnLeak=1} is a typo of a CI gate, not a "no").
     */
    public static boolean failOnLeakAsked(String agentArgs, Map<?, ?> properties, Map<String, String> env) {
        Given given;
        try {
            given = given(agentArgs, properties, env, false).get(Key.FAIL_ON_LEAK);
        } catch (BadOptionException lenientNeverThrows) {
            return true;
        }
        if (given != null) {
            for (String value : given.values) {
                if (!value.equalsIgnoreCase("false")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The values given for one key, and where they came from (for messages). */
    private static final class Given {
        final List<String> values = new ArrayList<>();
        /** Empty for the agent arguments, else " (from system property socketleak.key)" and the like. */
        final String source;

        Given(String source) {
            this.source = source;
        }
    }

    /**
     * The values given for each key, from the first source that has the key: the agent arguments,
     * then the system property, then the environment variable.
     *
     * @param strict whether an unknown key or a key without a value is an error; if not, the unknown
     *               are left out and a known key without {@code =} has the empty value
     */
    private static Map<Key, Given> given(String agentArgs, Map<?, ?> properties, Map<String, String> env,
                                         boolean strict) throws BadOptionException {
        Map<Key, Given> given = new LinkedHashMap<>();
        if (agentArgs != null) {
            for (String item : agentArgs.split(",", -1)) {
                String entry = item.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                String name = eq < 0 ? entry : entry.substring(0, eq).strip();
                Key key = Key.named(name);
                if (key == null) {
                    if (strict) {
                        throw new BadOptionException("unknown option '" + oneLine(entry) + "': valid keys are "
                                + keyNames());
                    }
                    continue;
                }
                if (eq < 0 && strict) {
                    throw new BadOptionException("bad option '" + oneLine(entry) + "': expected " + name + "="
                            + key.expected);
                }
                Given values = given.get(key);
                if (values == null) {
                    values = new Given("");
                    given.put(key, values);
                }
                values.values.add(eq < 0 ? "" : entry.substring(eq + 1).strip());
            }
        }
        for (Key key : Key.values()) {
            if (given.containsKey(key)) {
                continue;
            }
            Object fromProperty = properties.get(key.propertyName());
            String value = fromProperty != null ? fromProperty.toString() : env.get(key.environmentName());
            if (value != null) {
                Given values = new Given(fromProperty != null ? " (from system property " + key.propertyName() + ")"
                        : " (from environment variable " + key.environmentName() + ")");
                if (key.repeatable) {
                    for (String part : value.split(",", -1)) {
                        if (!part.isBlank()) {
                            values.values.add(part.strip());
                        }
                    }
                } else {
                    values.values.add(value.strip());
                }
                given.put(key, values);
            }
        }
        return given;
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

    /**
     * Turns each given value into its type, or fails naming the key, the value and the expected form.
     * (No functional interfaces: the options are read before {@code main}, where each lambda would
     * cost its share of the JVM's start-up.)
     */
    private static final class Reader {
        private final Map<Key, Given> given;

        Reader(Map<Key, Given> given) {
            this.given = given;
        }

        /** The one value given for the key, or the fallback. */
        private String raw(Key key, String fallback) throws BadOptionException {
            Given values = given.get(key);
            if (values != null && values.values.size() > 1 && !key.repeatable) {
                throw new BadOptionException("option '" + key.name + "' given " + values.values.size()
                        + " times: it takes one value, " + key.expected);
            }
            return values == null ? fallback : values.values.get(0);
        }

        private BadOptionException bad(Key key, String value) {
            return bad(key, given.get(key), value);
        }

        /** The one line for a bad value: the option as given, where it came from, and the form it must have. */
        static BadOptionException bad(Key key, Given from, String value) {
            return new BadOptionException("bad option '" + key.name + "=" + oneLine(value) + "'"
                    + (from == null ? "" : from.source) + ": expected " + key.expected);
        }

        List<String> all(Key key) {
            Given values = given.get(key);
            return values == null ? List.of() : values.values;
        }

        Duration duration(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            try {
                return value == null ? null : Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw bad(key, value);
            }
        }

        PortRange portRange(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            try {
                return value == null ? null : PortRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw bad(key, value);
            }
        }

        /**
         * A path in which {@code %p} is this JVM's pid (as in the JVM's own {@code -Xlog} and
         * {@code HeapDumpPath}: one file per JVM when several share the option) and {@code %%} is
         * {@code %}; any other {@code %} is refused, so that a typo does not become part of a file name.
         */
        String path(Key key) throws BadOptionException {
            String value = text(key, null);
            if (value == null || value.indexOf('%') < 0) {
                return value;
            }
            StringBuilder path = new StringBuilder(value.length() + 8);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '%') {
                    path.append(c);
                } else if (i + 1 < value.length() && value.charAt(i + 1) == 'p') {
                    path.append(ProcFiles.pid());
                    i++;
                } else if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                    path.append('%');
                    i++;
                } else {
                    throw bad(key, value);
                }
            }
            return path.toString();
        }

        String text(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            if (value != null && value.isEmpty()) {
                throw bad(key, value);
            }
            return value;
        }

        boolean bool(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(key, value);
            };
        }

        double fraction(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            try {
                double d = Double.parseDouble(value);
                if (d > 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw bad(key, value);
        }

        int positiveInt(Key key, String fallback) throws BadOptionException {
            String value = raw(key, fallback);
            try {
                int n = Integer.parseInt(value.replace("_", ""));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw bad(key, value);
        }
    }
}
