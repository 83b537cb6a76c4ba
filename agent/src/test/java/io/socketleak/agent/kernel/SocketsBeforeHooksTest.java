package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The process's own sockets, read from /proc: which descriptors the agent cannot have seen configured. */
class SocketsBeforeHooksTest {
    @Test
    void connectedSocketsAreListedByDescriptorAndAListenerMakesThemAllUnknown() throws Exception {
        int[] before = SocketsBeforeHooks.tcpDescriptorsNow();
        assertNotNull(before, "no listener in this JVM yet");
        Socket client;
        Socket accepted;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertNull(SocketsBeforeHooks.tcpDescriptorsNow(), "what it accepts inherits its options");
            client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            accepted = server.accept();
        }
        try (client; accepted) {
            int[] now = SocketsBeforeHooks.tcpDescriptorsNow();
            assertNotNull(now);
            assertEquals(before.length + 2, now.length, Arrays.toString(before) + " -> " + Arrays.toString(now));
            int[] sorted = now.clone();
            Arrays.sort(sorted);
            assertEquals(Arrays.toString(sorted), Arrays.toString(now));
        }
    }

    @Test
    void anUnconnectedSocketIsListedToo() throws Exception {
        int[] before = SocketsBeforeHooks.tcpDescriptorsNow();
        assertNotNull(before);
        try (Socket unconnected = new Socket()) {
            unconnected.setSoTimeout(1); // makes the descriptor: the JDK creates it lazily
            int[] now = SocketsBeforeHooks.tcpDescriptorsNow();
            assertNotNull(now, "may still listen later, but is not listening now");
            assertEquals(before.length + 1, now.length);
        }
    }
}
