package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one reader of the kernel's socket tables: fields of a row as the listing of earlier sockets shows them. */
class KernelRowsTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode\n";

    private static List<String> describe(String rows) throws IOException {
        List<String> seen = new ArrayList<>();
        new KernelRows(new byte[16]).read(new ByteArrayInputStream((HEADER + rows).getBytes(StandardCharsets.US_ASCII)),
                row -> seen.add(row.address(KernelRows.LOCAL) + " " + row.address(KernelRows.REMOTE) + " "
                        + KernelRows.Row.stateName(row.state()) + " " + row.decimal(KernelRows.INODE)));
        return seen;
    }

    @Test
    void ipv4AddressesAndPortsAreShownAsNetstatShowsThem() throws IOException {
        assertEquals(List.of("127.0.0.1:8080 10.0.0.5:443 ESTABLISHED 4242"), describe(
                "   0: 0100007F:1F90 0500000A:01BB 01 00000000:00000000 00:00000000 00000000     0        0 4242 1"));
    }

    @Test
    void aListenersUnsetPeerIsAStar() throws IOException {
        assertEquals(List.of("0.0.0.0:8080 * LISTEN 7"), describe(
                "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1"));
    }

    @Test
    void ipv4MappedAddressesAreShownAsIpv4AndOtherIpv6InNetworkOrder() throws IOException {
        assertEquals(List.of("127.0.0.1:8080 [0000:0000:0000:0000:0000:0000:0000:0001]:443 CLOSE_WAIT 9"), describe(
                "   0: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000001000000:01BB 08 "
                        + "00000000:00000000 00:00000000 00000000     0        0 9 1"));
    }

    @Test
    void anUnknownStateIsNamedByItsNumberAndABadInodeIsMinusOne() throws IOException {
        assertEquals(List.of("127.0.0.1:8080 10.0.0.5:443 state 0C -1"), describe(
                "   0: 0100007F:1F90 0500000A:01BB 0C 00000000:00000000 00:00000000 00000000     0        0 x7 1"));
    }

    @Test
    void aMissingTableHasNoRowsAndIsNoError() {
        List<String> seen = new ArrayList<>();
        assertTrue(new KernelRows(new byte[16]).read("/proc/net/no-such-table", row -> seen.add("row")));
        assertEquals(List.of(), seen);
    }
}
