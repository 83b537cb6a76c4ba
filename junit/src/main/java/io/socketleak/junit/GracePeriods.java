package io.socketleak.junit;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Grace periods written the way the agent's options are: {@code 500ms}, {@code 2s}, {@code 1m}; a bare number is seconds. */
final class GracePeriods {
    static final Duration DEFAULT = Duration.ofSeconds(2);

    private GracePeriods() {
    }

    /** @param where what to name in the error, e.g. the property */
    static Duration parse(String text, String where) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim())));
            }
            if (value.endsWith("s")) {
                return nonNegative(Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim())));
            }
            if (value.endsWith("m")) {
                return nonNegative(Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim())));
            }
            return nonNegative(Duration.ofSeconds(Long.parseLong(value)));
        } catch (IllegalArgumentException | ArithmeticException bad) {
            throw new ExtensionConfigurationException(
                    where + ": bad grace period '" + text + "': expected a duration like 500ms or 2s");
        }
    }

    private static Duration nonNegative(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return duration;
    }

    /** The way a user would write it: {@code 2s}, {@code 500ms}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
