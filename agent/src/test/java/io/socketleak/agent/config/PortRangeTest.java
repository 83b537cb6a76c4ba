package io.socketleak.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortRangeTest {

    @Test
    void parsesTheUsersLowDashHighForm() {
        assertEquals(new PortRange(32768, 60999), PortRange.parse("32768-60999"));
    }

    @Test
    void parsesTheKernelsTabSeparatedFormWithItsTrailingNewline() {
        // /proc/sys/net/ipv4/ip_local_port_range reads "32768\t60999\n".
        assertEquals(new PortRange(32768, 60999), PortRange.parse("32768\t60999\n"));
    }

    @Test
    void toleratesBlanksAroundTheDash() {
        assertEquals(new PortRange(1024, 2048), PortRange.parse(" 1024 - 2048 "));
    }

    @Test
    void sizeCountsBothEndsOfTheRange() {
        // SPEC example: 32768-60999 gives a port capacity of 28232.
        assertEquals(28232, new PortRange(32768, 60999).size());
        assertEquals(1, new PortRange(40000, 40000).size());
        assertEquals(65535, new PortRange(1, 65535).size());
    }

    @Test
    void printsAsLowDashHigh() {
        assertEquals("49152-65535", new PortRange(49152, 65535).toString());
        assertEquals(PortRange.parse("49152\t65535").toString(), "49152-65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"60999-32768", "0-1024", "1024-65536", "abc", "", "1024", "1-2-3", "-1024", "1024-",
            "a-b", "1024:2048", "99999999999-1", "1024--2048"})
    void rejectsTextThatIsNotAValidRange(String text) {
        assertThrows(IllegalArgumentException.class, () -> PortRange.parse(text));
    }

    @Test
    void constructorRejectsAnInvertedOrOutOfBoundsRange() {
        assertThrows(IllegalArgumentException.class, () -> new PortRange(2000, 1000));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(1000, 65536));
    }
}
