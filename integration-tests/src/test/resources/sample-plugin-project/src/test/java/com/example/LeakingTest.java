package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passes, but forgets to close a socket: the build's check fails, naming that line. The socket is
 * found either way: collected unclosed if the collector takes it, else still open when the JVM exits.
 */
class LeakingTest {
    private static LoopbackServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = new LoopbackServer();
    }

    @AfterAll
    static void stopServer() throws IOException, InterruptedException {
        server.close();
        // Give the collector the chance to take the forgotten socket, as a longer test run would.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    @Test
    void forgetsToCloseItsSocket() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port()); // LEAK: never closed
        socket.getOutputStream().write('b');
        assertEquals('b', socket.getInputStream().read());
    }
}
