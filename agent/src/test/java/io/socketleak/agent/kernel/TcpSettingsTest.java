package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.socketleak.agent.config.PortRange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TcpSettingsTest {
    private static final PortRange LINUX = new PortRange(32768, 60999);
    private static final Path PROC = Path.of("/proc/sys/net/ipv4");

    /** The whole file: not Files.readString, which on JDK 17 reads /proc/sys files (size 0) cut to one byte. */
    private static String proc(String name) throws IOException {
        try (InputStream in = Files.newInputStream(PROC.resolve(name))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static boolean onLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    // ---- ip_local_reserved_ports --------------------------------------------------------------

    @Test
    void reservedPortsAreCountedOnlyInsideTheRange() {
        // 8080 is below the range, 70000 is no port at all: only the ten of 32770-32779 count
        assertEquals(10, TcpSettings.reservedIn("8080,32770-32779,70000", LINUX));
    }

    @Test
    void reservedRangesOverlappingTheRangesEndsAreClipped() {
        assertEquals(10, TcpSettings.reservedIn("30000-32777", LINUX)); // 32768..32777
        assertEquals(10, TcpSettings.reservedIn("60990-61010", LINUX)); // 60990..60999
        assertEquals(28_232, TcpSettings.reservedIn("1-65535", LINUX));
    }

    @Test
    void singleReservedPortsAtTheRangesEndsCount() {
        assertEquals(2, TcpSettings.reservedIn("32768,60999", LINUX));
        assertEquals(0, TcpSettings.reservedIn("32767,61000", LINUX));
    }

    @Test
    void theKernelsFileFormWithItsNewlineIsRead() {
        assertEquals(11, TcpSettings.reservedIn("40000,50000-50009\n", LINUX));
    }

    @Test
    void anEmptyListReservesNothing() {
        assertEquals(0, TcpSettings.reservedIn("", LINUX));
        assertEquals(0, TcpSettings.reservedIn("\n", LINUX));
    }

    @Test
    void entriesThatAreNotPortsAreIgnored() {
        assertEquals(1, TcpSettings.reservedIn("abc,40000,x-y", LINUX));
    }

    @Test
    void reservedPortsAreCountedAgainstTheGivenRange() {
        assertEquals(5, TcpSettings.reservedIn("8080,40095-40110", new PortRange(40000, 40099)));
    }

    // ---- read ---------------------------------------------------------------------------------

    @Test
    void thePortRangeOptionReplacesTheSystemsRangeAndIsNamedInTheSource() {
        PortRange range = new PortRange(40000, 40099);

        TcpSettings tcp = TcpSettings.read(range, null);

        assertEquals(range, tcp.portRange());
        assertTrue(tcp.source().contains("portRange option"), tcp.source());
        assertFalse(tcp.source().contains("timeWait option"), tcp.source());
        assertTrue(tcp.reservedPorts() >= 0 && tcp.reservedPorts() <= 100);
    }

    @Test
    void theTimeWaitOptionReplacesTheSystemsLengthAndIsNamedInTheSource() {
        TcpSettings tcp = TcpSettings.read(null, Duration.ofSeconds(30));

        assertEquals(30, tcp.timeWaitSeconds());
        assertTrue(tcp.source().contains("timeWait option"), tcp.source());
        assertFalse(tcp.source().contains("portRange option"), tcp.source());
    }

    @Test
    void bothOptionsAreAppliedTogether() {
        TcpSettings tcp = TcpSettings.read(new PortRange(20000, 29999), Duration.ofMinutes(2));

        assertEquals(new PortRange(20000, 29999), tcp.portRange());
        assertEquals(120, tcp.timeWaitSeconds());
        assertTrue(tcp.source().contains("portRange option"), tcp.source());
        assertTrue(tcp.source().contains("timeWait option"), tcp.source());
    }

    @Test
    void aTimeWaitOptionUnderOneSecondCountsAsOneSecond() {
        assertEquals(1, TcpSettings.read(null, Duration.ofMillis(500)).timeWaitSeconds());
    }

    @Test
    void withoutOptionsLinuxSettingsComeFromProc() throws IOException {
        assumeTrue(onLinux() && Files.isReadable(PROC.resolve("ip_local_port_range")), "not Linux");

        TcpSettings tcp = TcpSettings.read(null, null);

        assertEquals(PortRange.parse(proc("ip_local_port_range")), tcp.portRange());
        assertEquals(60, tcp.timeWaitSeconds());
        assertEquals("linux /proc/sys/net/ipv4", tcp.source());
        if (Files.isReadable(PROC.resolve("tcp_tw_reuse"))) {
            assertEquals(Integer.valueOf(proc("tcp_tw_reuse").strip()), tcp.twReuse());
        }
        if (Files.isReadable(PROC.resolve("ip_local_reserved_ports"))) {
            assertEquals(TcpSettings.reservedIn(proc("ip_local_reserved_ports"),
                    tcp.portRange()), tcp.reservedPorts());
        }
    }
}
