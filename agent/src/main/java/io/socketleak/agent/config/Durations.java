package io.socketleak.agent.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Durations as users write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
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
        if (number.isEmpty() || !number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("duration too long: " + text);
        }
        return Duration.ofNanos(nanos.longValue());
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
