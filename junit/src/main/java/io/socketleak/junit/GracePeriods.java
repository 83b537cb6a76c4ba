package io.socketleak.junit;

import io.socketleak.protocol.Durations;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Grace periods, in the grammar of the agent's own durations ({@link Durations}): {@code 500ms},
 * {@code 1.5s}, {@code 1m}; a bare number is seconds.
 */
final class GracePeriods {
    static final Duration DEFAULT = Duration.ofSeconds(2);

    private GracePeriods() {
    }

    /** @param where what to name in the error, e.g. the property */
    static Duration parse(String text, String where) {
        try {
            Duration duration = Durations.parse(text);
            if (!duration.isNegative()) {
                return duration;
            }
        } catch (IllegalArgumentException bad) {
            // said below
        }
        throw new ExtensionConfigurationException(
                where + ": bad grace period '" + text + "': expected a duration like 500ms or 2s");
    }

    /** The way a user would write it: {@code 2s}, {@code 500ms}. */
    static String format(Duration duration) {
        return Durations.format(duration);
    }
}
