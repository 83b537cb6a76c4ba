package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parser of {@code /proc/net/tcp} and {@code tcp6}, fed synthetic files in the kernel's format.
 *
 * <p>Addresses are written out by hand as the kernel prints them: IPv4 as one 32-bit word, and IPv6
 * as four 32-bit words, each the {@code %08X} of the host-order (little-endian) value, so the bytes
 * of every word appear reversed. Ports are plain big-endian {@code %04X}.
 */
class KernelTcpTableTest {
    private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode";
    private static final String TCP6_HEADER = "  sl  local_address                         remote_address"
            + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    // 127.0.0.1 is 7F 00 00 01 in network order: the little-endian word prints as 0100007F.
    private static final String LOOPBACK_8080 = "0100007F:1F90";
    private static final String LOOPBACK_40000 = "0100007F:9C40"; // 40000 = 0x9C40
    // 10.0.0.5 is 0A 00 00 05: printed 0500000A. 443 = 0x01BB.
    private static final String HTTPS_10_0_0_5 = "0500000A:01BB";
    private static final String ANY = "00000000:0000";

    @TempDir
    Path dir;

    private static String line(int sl, String local, String remote, String state) {
        return String.format("%4d: %s %s %s 00000000:00000000 03:00001770 00000000     0        0 0 3 "
                + "0000000000000000", sl, local, remote, state);
    }

    private String file(String name, String header, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        StringBuilder text = new StringBuilder(header).append('\n');
        for (String l : lines) {
            text.append(l).append('\n');
        }
        Files.writeString(file, text);
        return file.toString();
    }

    private KernelTcpTable.View scanTcp(String... lines) throws IOException {
        return new KernelTcpTable(file("tcp", TCP_HEADER, List.of(lines))).scan();
    }

    private static InetSocketAddress address(String ip, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    // ---- IPv4 ---------------------------------------------------------------------------------

    @Test
    void ipv4AddressesAreReadAsLittleEndianHex() throws IOException {
        KernelTcpTable.View view = scanTcp(
                line(0, LOOPBACK_40000, LOOPBACK_8080, "01"),
                line(1, "0F02000A:C350", HTTPS_10_0_0_5, "01"));

        assertNotNull(view.to(address("127.0.0.1", 8080)));
        assertNotNull(view.to(address("10.0.0.5", 443)));
        // Read the other way round, 0100007F would be 1.0.0.127 and 0500000A 5.0.0.10.
        assertNull(view.to(address("1.0.0.127", 8080)));
        assertNull(view.to(address("5.0.0.10", 443)));
    }

    @Test
    void portsAreReadAsBigEndianHex() throws IOException {
        KernelTcpTable.View view = scanTcp(line(0, LOOPBACK_40000, HTTPS_10_0_0_5, "01"));

        assertNotNull(view.to(address("10.0.0.5", 443)));
        assertNull(view.to(address("10.0.0.5", 0xBB01)));
    }

    @Test
    void eachStateIsCountedInItsOwnColumnAndAllHoldAPort() throws IOException {
        KernelTcpTable.View view = scanTcp(
                line(0, "0100007F:9C40", HTTPS_10_0_0_5, "01"), // ESTABLISHED
                line(1, "0100007F:9C41", HTTPS_10_0_0_5, "01"),
                line(2, "0100007F:9C42", HTTPS_10_0_0_5, "06"), // TIME_WAIT
                line(3, "0100007F:9C43", HTTPS_10_0_0_5, "06"),
                line(4, "0100007F:9C44", HTTPS_10_0_0_5, "06"),
                line(5, "0100007F:9C45", HTTPS_10_0_0_5, "08"), // CLOSE_WAIT
                line(6, "0100007F:9C46", HTTPS_10_0_0_5, "05")); // FIN_WAIT2

        KernelTcpTable.Counts counts = view.to(address("10.0.0.5", 443));
        assertEquals(2, counts.established);
        assertEquals(3, counts.timeWait());
        assertEquals(2, counts.other);
        assertEquals(7, counts.portsInUseAfter(0));
    }

    /** A TIME_WAIT line whose timer field ({@code tr:tm->when}) reads as given. */
    private static String timeWaitLine(int sl, String local, String timer) {
        return String.format("%4d: %s %s 06 00000000:00000000 %s 00000000     0        0 0 3 "
                + "0000000000000000", sl, local, HTTPS_10_0_0_5, timer);
    }

    @Test
    void timeWaitEntriesLeaveOnTheirOwnKernelTimers() throws IOException {
        // The kernel prints the time left in clock ticks of 1/100 s: 0x1770 = 60 s, 0xBB8 = 30 s, 0x1F4 = 5 s.
        KernelTcpTable.View view = scanTcp(
                timeWaitLine(0, "0100007F:9C40", "03:00001770"),
                timeWaitLine(1, "0100007F:9C41", "03:00000BB8"),
                timeWaitLine(2, "0100007F:9C42", "03:000001F4"),
                timeWaitLine(3, "0100007F:9C43", "03:0000003C"), // 0.6 s
                line(4, "0100007F:9C44", HTTPS_10_0_0_5, "01"));

        KernelTcpTable.Counts counts = view.to(address("10.0.0.5", 443));
        assertEquals(4, counts.timeWait());
        assertEquals(4, counts.timeWaitAfter(4_999), "each leaves at most 5 s after its timer ran out");
        assertEquals(3, counts.timeWaitAfter(5_000));
        assertEquals(2, counts.timeWaitAfter(10_000));
        assertEquals(1, counts.timeWaitAfter(35_000));
        assertEquals(0, counts.timeWaitAfter(65_000));
        assertEquals(1 + 1, counts.portsInUseAfter(40_000), "established connections stay");
    }

    @Test
    void aTimerThatCannotBeReadCountsAsAWholeTimeWait() throws IOException {
        KernelTcpTable.View view = scanTcp(
                timeWaitLine(0, "0100007F:9C40", "03:0000zz00"),
                timeWaitLine(1, "0100007F:9C41", "03"));

        KernelTcpTable.Counts counts = view.to(address("10.0.0.5", 443));
        assertEquals(2, counts.timeWaitAfter(59_000));
        assertEquals(0, counts.timeWaitAfter(65_000));
    }

    @Test
    void connectionsAreCountedPerRemoteEndpoint() throws IOException {
        KernelTcpTable.View view = scanTcp(
                line(0, "0100007F:9C40", HTTPS_10_0_0_5, "06"),
                line(1, "0100007F:9C41", HTTPS_10_0_0_5, "06"),
                line(2, "0100007F:9C42", "0500000A:0050", "06"), // 10.0.0.5:80, same host, other port
                line(3, "0100007F:9C43", "0600000A:01BB", "06")); // 10.0.0.6:443, other host, same port

        assertEquals(2, view.to(address("10.0.0.5", 443)).timeWait());
        assertEquals(1, view.to(address("10.0.0.5", 80)).timeWait());
        assertEquals(1, view.to(address("10.0.0.6", 443)).timeWait());
        assertNull(view.to(address("10.0.0.7", 443)));
        assertEquals(3, view.byRemote().size());
    }

    @Test
    void listeningSocketsGiveTheirLocalPortAndAreNoDestination() throws IOException {
        KernelTcpTable.View view = scanTcp(
                line(0, "00000000:1F90", ANY, "0A"), // 0.0.0.0:8080 LISTEN
                line(1, "0100007F:9C40", ANY, "0A"), // 127.0.0.1:40000 LISTEN
                line(2, "0100007F:C350", LOOPBACK_8080, "01")); // a client of the first, from 50000

        assertEquals(Set.of(8080, 40000), view.listening());
        assertNull(view.to(address("0.0.0.0", 0)));
        assertEquals(1, view.byRemote().size());
        assertFalse(view.listening().contains(50000));
    }

    @Test
    void closeWaitHoldsLocalPortShiftedSixteenBitsOrRemotePort() throws IOException {
        KernelTcpTable.View view = scanTcp(
                line(0, LOOPBACK_40000, HTTPS_10_0_0_5, "08"),
                line(1, "0100007F:9C41", HTTPS_10_0_0_5, "01"),
                line(2, "0100007F:9C42", HTTPS_10_0_0_5, "06"));

        // 40000 << 16 | 443 = 40000 * 65536 + 443
        assertEquals(Set.of(2_621_440_443L), view.closeWait());
        // A CLOSE_WAIT connection still holds its port for the destination.
        assertEquals(3, view.to(address("10.0.0.5", 443)).portsInUseAfter(0));
    }

    // ---- IPv6 ---------------------------------------------------------------------------------

    @Test
    void ipv4MappedAddressesCountForTheIpv4Destination() throws IOException {
        // ::ffff:127.0.0.1 = 0...0 FFFF 7F000001: words 00000000 00000000 FFFF0000 0100007F.
        String tcp6 = file("tcp6", TCP6_HEADER, List.of(
                line(0, "0000000000000000FFFF00000100007F:9C40", "0000000000000000FFFF00000100007F:1F90", "01"),
                line(1, "0000000000000000FFFF00000100007F:9C41", "0000000000000000FFFF00000100007F:1F90", "06")));
        String tcp = file("tcp", TCP_HEADER, List.of(line(0, "0100007F:9C42", LOOPBACK_8080, "06")));

        KernelTcpTable.View view = new KernelTcpTable(tcp, tcp6).scan();

        KernelTcpTable.Counts counts = view.to(address("127.0.0.1", 8080));
        assertNotNull(counts);
        assertEquals(1, counts.established);
        assertEquals(2, counts.timeWait());
        assertEquals(1, view.byRemote().size());
    }

    @Test
    void ipv6LoopbackIsItsOwnDestination() throws IOException {
        // ::1 = fifteen zero bytes and 01: the last word's bytes 00 00 00 01 print as 01000000.
        String tcp6 = file("tcp6", TCP6_HEADER, List.of(
                line(0, "00000000000000000000000001000000:9C40", "00000000000000000000000001000000:1F90", "06")));

        KernelTcpTable.View view = new KernelTcpTable(tcp6).scan();

        assertEquals(1, view.to(address("::1", 8080)).timeWait());
        assertNull(view.to(address("127.0.0.1", 8080)));
    }

    @Test
    void ipv6AddressWordsAreReadInHostByteOrder() throws IOException {
        // 2001:db8::1 = 20 01 0d b8 | 00 00 00 00 | 00 00 00 00 | 00 00 00 01
        //   words printed: B80D0120 00000000 00000000 01000000
        // 2001:db8:85a3::8a2e:370:7334 = 20 01 0d b8 | 85 a3 00 00 | 00 00 8a 2e | 03 70 73 34
        //   words printed: B80D0120 0000A385 2E8A0000 34737003
        String tcp6 = file("tcp6", TCP6_HEADER, List.of(
                line(0, "00000000000000000000000001000000:9C40", "B80D0120000000000000000001000000:01BB", "01"),
                line(1, "00000000000000000000000001000000:9C41", "B80D01200000A3852E8A000034737003:01BB", "06"),
                line(2, "00000000000000000000000001000000:9C42", "B80D01200000A3852E8A000034737003:01BB", "06")));

        KernelTcpTable.View view = new KernelTcpTable(tcp6).scan();

        assertEquals(1, view.to(address("2001:db8::1", 443)).established);
        assertEquals(2, view.to(address("2001:db8:85a3::8a2e:370:7334", 443)).timeWait());
        assertNull(view.to(address("2001:db8::2", 443)));
        // the words taken as they are printed, without reordering their bytes
        assertNull(view.to(address("b80d:120::100:0", 443)));
    }

    @Test
    void listeningOnIpv6AndMappedAddressesGivesTheLocalPort() throws IOException {
        String tcp6 = file("tcp6", TCP6_HEADER, List.of(
                line(0, "00000000000000000000000000000000:1F90", "00000000000000000000000000000000:0000", "0A"),
                line(1, "0000000000000000FFFF00000100007F:9C40",
                        "00000000000000000000000000000000:0000", "0A")));

        assertEquals(Set.of(8080, 40000), new KernelTcpTable(tcp6).scan().listening());
    }

    // ---- robustness and lines -----------------------------------------------------------------

    @Test
    void shortAndMalformedLinesAreIgnored() throws IOException {
        KernelTcpTable.View view = scanTcp(
                "",
                "      ",
                "garbage",
                "   0: " + LOOPBACK_40000,                               // no remote address
                "   1: " + LOOPBACK_40000 + " " + HTTPS_10_0_0_5,        // no state
                "   2: " + LOOPBACK_40000 + " " + HTTPS_10_0_0_5 + " 0", // a one-digit state
                line(3, "0100007F:9C4", HTTPS_10_0_0_5, "01"),            // 12-character local address
                line(4, LOOPBACK_40000, "0500000A:1BB", "01"),            // 12-character remote address
                line(5, "0100007F:9C45", HTTPS_10_0_0_5, "06"));          // the only good line

        assertEquals(1, view.lines());
        assertEquals(1, view.byRemote().size());
        KernelTcpTable.Counts counts = view.to(address("10.0.0.5", 443));
        assertEquals(1, counts.timeWait());
        assertEquals(0, counts.established);
    }

    @Test
    void everyConnectionLineOfBothFilesIsCountedButNotTheHeaders() throws IOException {
        String tcp = file("tcp", TCP_HEADER, List.of(
                line(0, "00000000:1F90", ANY, "0A"),
                line(1, LOOPBACK_40000, HTTPS_10_0_0_5, "01"),
                line(2, "0100007F:9C41", HTTPS_10_0_0_5, "06")));
        String tcp6 = file("tcp6", TCP6_HEADER, List.of(
                line(0, "00000000000000000000000001000000:9C40", "00000000000000000000000001000000:1F90", "06"),
                line(1, "00000000000000000000000001000000:1F90", "00000000000000000000000001000000:9C40", "01")));

        assertEquals(5, new KernelTcpTable(tcp, tcp6).scan().lines());
    }

    @Test
    void theLastLineCountsWithoutATrailingNewline() throws IOException {
        Path tcp = dir.resolve("tcp");
        Files.writeString(tcp, TCP_HEADER + "\n" + line(0, LOOPBACK_40000, HTTPS_10_0_0_5, "06") + "\n"
                + line(1, "0100007F:9C41", HTTPS_10_0_0_5, "06"));

        KernelTcpTable.View view = new KernelTcpTable(tcp.toString()).scan();

        assertEquals(2, view.lines());
        assertEquals(2, view.to(address("10.0.0.5", 443)).timeWait());
    }

    @Test
    void aMissingFileIsSkipped() throws IOException {
        String tcp = file("tcp", TCP_HEADER, List.of(line(0, LOOPBACK_40000, HTTPS_10_0_0_5, "01")));

        KernelTcpTable.View view = new KernelTcpTable(tcp, dir.resolve("no-such-tcp6").toString()).scan();

        assertEquals(1, view.lines());
        assertEquals(1, view.to(address("10.0.0.5", 443)).established);
    }

    @Test
    void eachScanStartsFromNothing() throws IOException {
        String tcp = file("tcp", TCP_HEADER, List.of(line(0, LOOPBACK_40000, HTTPS_10_0_0_5, "06")));
        KernelTcpTable table = new KernelTcpTable(tcp);

        table.scan();
        KernelTcpTable.View second = table.scan();

        assertEquals(1, second.lines());
        assertEquals(1, second.to(address("10.0.0.5", 443)).timeWait());
    }

    @Test
    void aTableOfOneHundredThousandConnectionsIsCountedExactly() throws IOException {
        // Four destinations in turn; for each, states cycle ESTABLISHED, TIME_WAIT, TIME_WAIT,
        // CLOSE_WAIT, SYN_SENT. Local ports 1024 + i/2 make every (local, remote port) pair distinct.
        String[] remotes = {HTTPS_10_0_0_5, "0600000A:0050", "1401A8C0:1538", LOOPBACK_8080};
        String[] states = {"01", "06", "06", "08", "02"};
        int total = 100_000;
        StringBuilder text = new StringBuilder(total * 160).append(TCP_HEADER).append('\n');
        for (int i = 0; i < total; i++) {
            String local = String.format("0100007F:%04X", 1024 + i / 2);
            text.append(line(i, local, remotes[i % 4], states[(i / 4) % 5])).append('\n');
        }
        Path tcp = dir.resolve("tcp");
        Files.writeString(tcp, text);

        KernelTcpTable.View view = new KernelTcpTable(tcp.toString()).scan();

        assertEquals(total, view.lines());
        assertEquals(4, view.byRemote().size());
        // 25,000 lines per destination, 5,000 per state slot.
        for (InetSocketAddress remote : List.of(address("10.0.0.5", 443), address("10.0.0.6", 80),
                address("192.168.1.20", 5432), address("127.0.0.1", 8080))) {
            KernelTcpTable.Counts counts = view.to(remote);
            assertEquals(5_000, counts.established, remote.toString());
            assertEquals(10_000, counts.timeWait(), remote.toString());
            assertEquals(10_000, counts.other, remote.toString());
            assertEquals(25_000, counts.portsInUseAfter(0), remote.toString());
        }
        assertEquals(20_000, view.closeWait().size());
        assertTrue(view.listening().isEmpty());
    }

    // ---- the real kernel ----------------------------------------------------------------------

    @Test
    void theRealKernelTableShowsOurListenerAndOurConnection() throws IOException {
        assumeTrue(KernelTcpTable.available(), "no /proc/net/tcp here");
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (ServerSocket server = new ServerSocket(0, 50, loopback);
             Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {

            KernelTcpTable.View view = new KernelTcpTable().scan();

            assertTrue(view.listening().contains(server.getLocalPort()),
                    "listening ports " + view.listening() + " lack " + server.getLocalPort());
            KernelTcpTable.Counts toServer = view.to(new InetSocketAddress(loopback, server.getLocalPort()));
            assertNotNull(toServer, "no connection to the listener in the kernel's table");
            assertEquals(1, toServer.established);
            // The accepted end is a connection to the client's port.
            KernelTcpTable.Counts toClient = view.to(new InetSocketAddress(loopback, client.getLocalPort()));
            assertNotNull(toClient);
            assertEquals(1, toClient.established);
            assertTrue(view.lines() >= 3);
            assertTrue(accepted.isConnected());
        }
    }

    @Test
    void theRealKernelsTimeWaitTimerIsReadAsAboutAMinuteLeft() throws IOException, InterruptedException {
        assumeTrue(KernelTcpTable.available(), "no /proc/net/tcp here");
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        InetSocketAddress listener;
        try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
            listener = new InetSocketAddress(loopback, server.getLocalPort());
            for (int i = 0; i < 3; i++) {
                Socket client = new Socket(loopback, server.getLocalPort());
                try (Socket accepted = server.accept()) {
                    client.close(); // the client closes first: its end waits in TIME_WAIT
                    assertEquals(-1, accepted.getInputStream().read());
                } finally {
                    client.close();
                }
            }
        }

        Thread.sleep(50); // past the tick of the last close: its timer reads under 60 s
        KernelTcpTable.Counts toListener = new KernelTcpTable().scan().to(listener);

        // Linux holds TIME_WAIT 60 s. (An older entry to a reused port may add to the first two counts.)
        assertNotNull(toListener, "no TIME_WAIT to the closed listener in the kernel's table");
        assertTrue(toListener.timeWait() >= 3, "TIME_WAIT entries: " + toListener.timeWait());
        long stillThere = toListener.timeWaitAfter(55_000);
        assertTrue(stillThere >= 3, "entries with 55 s left: " + stillThere);
        // An unreadable timer counts as a whole minute: this tells it was read.
        assertEquals(0, toListener.timeWaitAfter(60_000));
    }
}
