package io.socketleak.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

class GracePeriodsTest {
    @Test
    void readsDurationsLikeTheAgentsOptions() {
        assertEquals(Duration.ofMillis(500), GracePeriods.parse("500ms", "p"));
        assertEquals(Duration.ofSeconds(2), GracePeriods.parse("2s", "p"));
        assertEquals(Duration.ofSeconds(3), GracePeriods.parse(" 3 ", "p"));
        assertEquals(Duration.ofMinutes(1), GracePeriods.parse("1m", "p"));
        assertEquals(Duration.ZERO, GracePeriods.parse("0", "p"));
    }

    @Test
    void readsEveryDurationTheAgentsOptionsRead() {
        assertEquals(Duration.ofMillis(1500), GracePeriods.parse("1.5s", "p"));
        assertEquals(Duration.ofHours(1), GracePeriods.parse("1h", "p"));
        assertEquals(Duration.ofMillis(250), GracePeriods.parse("0.25", "p"));
    }

    @Test
    void refusesOtherTextNamingWhereItCameFrom() {
        assertEquals("socketleak.junit.grace: bad grace period 'soon': expected a duration like 500ms or 2s",
                assertThrows(ExtensionConfigurationException.class,
                        () -> GracePeriods.parse("soon", "socketleak.junit.grace")).getMessage());
        assertThrows(ExtensionConfigurationException.class, () -> GracePeriods.parse("-1s", "p"));
        assertThrows(ExtensionConfigurationException.class, () -> GracePeriods.parse("", "p"));
    }

    @Test
    void writesThemBackTheWayAUserWould() {
        assertEquals("2s", GracePeriods.format(Duration.ofSeconds(2)));
        assertEquals("500ms", GracePeriods.format(Duration.ofMillis(500)));
        assertEquals("0s", GracePeriods.format(Duration.ZERO));
    }
}
