package io.socketleak.html;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Numbers as people read them: 1,234; 81 %; 2 min 5 s. Text for HTML is escaped here too. */
final class Format {
    static final String NONE = "\u2014";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String count(Double n) {
        if (n == null) {
            return NONE;
        }
        return n == Math.rint(n) && Math.abs(n) < 1e15 ? count(n.longValue()) : String.format(Locale.ROOT, "%,.1f", n);
    }

    /** A ratio as a percentage: whole numbers, but a small share keeps enough digits not to read as 0. */
    static String percent(Double ratio) {
        if (ratio == null || ratio.isNaN()) {
            return NONE;
        }
        double p = ratio * 100;
        if (p == 0) {
            return "0 %";
        }
        if (Math.abs(p) < 0.01) {
            return "< 0.01 %";
        }
        if (Math.abs(p) < 1) {
            return String.format(Locale.ROOT, "%.2f %%", p);
        }
        if (Math.abs(p) < 10) {
            return String.format(Locale.ROOT, "%.1f %%", p);
        }
        return String.format(Locale.ROOT, "%.0f %%", p);
    }

    /** A rate per second, one decimal. */
    static String rate(Double perSecond) {
        return perSecond == null ? NONE : String.format(Locale.ROOT, "%,.1f/s", perSecond);
    }

    static String millis(Double millis) {
        return millis == null ? NONE : duration(millis / 1000);
    }

    /** 812 ms, 5.1 s, 2 min 5 s, 3 h 12 min, 2 d 4 h. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            return NONE;
        }
        if (seconds < 1) {
            return Math.round(seconds * 1000) + " ms";
        }
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds).replace(".0 s", " s");
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return pair(s / 60, "min", s % 60, "s");
        }
        if (s < 86_400) {
            return pair(s / 3600, "h", s % 3600 / 60, "min");
        }
        return pair(s / 86_400, "d", s % 86_400 / 3600, "h");
    }

    private static String pair(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
    }

    static String clock(Instant time) {
        return CLOCK.format(time);
    }

    /** An ISO-8601 instant as people read it (UTC), or the text as given when it is not one. */
    static String time(String iso) {
        if (iso == null) {
            return NONE;
        }
        try {
            return DATE_TIME.format(Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** A number for SVG coordinates: at most two decimals, no grouping, no exponent. */
    static String coordinate(double value) {
        double rounded = Math.round(value * 100) / 100.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
    }

    /** Text for HTML, in an element or a quoted attribute. */
    static String html(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
