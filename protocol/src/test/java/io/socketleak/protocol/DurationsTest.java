package io.socketleak.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void millisecondsAreReadWithTheMsSuffix() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    }

    @Test
    void secondsAreReadWithTheSSuffix() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
    }

    @Test
    void minutesAreReadWithTheMSuffix() {
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    }

    @Test
    void hoursAreReadWithTheHSuffix() {
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    }

    @Test
    void aBareNumberIsSeconds() {
        assertEquals(Duration.ofSeconds(45), Durations.parse("45"));
    }

    @Test
    void zeroIsAValidDuration() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void decimalsAreReadExactly() {
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("0.5"));
        assertEquals(Duration.ofSeconds(150), Durations.parse("2.5m"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
        assertEquals(Duration.ofNanos(1_500_000), Durations.parse("1.5ms"));
    }

    @Test
    void suffixesAreCaseInsensitiveAndSurroundingBlanksIgnored() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30S"));
        assertEquals(Duration.ofMillis(250), Durations.parse(" 250MS "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "   ", "s", "ms", "-1s", "1d", "1e3", "1.s", ".5s", "1,5s", "5 m", "30 seconds",
            "0x10", "+5s"})
    void textThatIsNotADurationIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @Test
    void aDurationTooLongForTheClockIsRejectedRatherThanWrapped() {
        // Long.MAX_VALUE nanoseconds is about 2.56 million hours.
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("3000000h"));
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "30s", "5m", "1h", "90s", "1500ms", "0s", "36h"})
    void formattedDurationsParseBackToThemselves(String text) {
        assertEquals(text, Durations.format(Durations.parse(text)));
    }
}
