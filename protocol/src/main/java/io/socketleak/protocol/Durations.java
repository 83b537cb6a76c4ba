package io.socketleak.protocol;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as users write them, one grammar for the agent's options and the JUnit extension's grace
 * periods: {@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 1h} (no space before the
 * unit); a bare number is seconds.
 */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unitNanos;
        String number;
        if (s.endsWith("ms")) {
            unitNanos = 1_000_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unitNanos = 3_600_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else {
            unitNanos = 1_000_000_000L;
            number = s;
        }
        try {
            return Duration.ofNanos(nanos(number, unitNanos));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too long: " + text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
    }

    /**
     * {@code digits[.digits]} times the unit, read by hand: a regular expression and BigDecimal would
     * load some forty classes into every JVM the agent starts in. Past the nanosecond, digits are dropped.
     */
    private static long nanos(String number, long unitNanos) {
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        String fraction = dot < 0 ? "0" : number.substring(dot + 1);
        if (whole.isEmpty() || fraction.isEmpty()) {
            throw new NumberFormatException(number);
        }
        long nanos = 0;
        for (int i = 0; i < whole.length(); i++) {
            nanos = Math.addExact(Math.multiplyExact(nanos, 10), digit(whole.charAt(i)));
        }
        nanos = Math.multiplyExact(nanos, unitNanos);
        long place = unitNanos;
        for (int i = 0; i < fraction.length(); i++) {
            place /= 10;
            nanos = Math.addExact(nanos, digit(fraction.charAt(i)) * place);
        }
        return nanos;
    }

    private static long digit(char c) {
        if (c < '0' || c > '9') {
            throw new NumberFormatException(String.valueOf(c));
        }
        return (long) c - '0';
    }

    /** The shortest exact form, as a user would write it. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
