package com.example;

import io.socketleak.junit.CheckSocketsPerTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Its socket is closed by another thread 300 ms after the test ends: within the grace period, so it passes. */
@CheckSocketsPerTest
class LateCloseTest {
    private static LoopbackServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = new LoopbackServer();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @Test
    void closedOnAnotherThreadShortlyAfter() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
                socket.close();
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        }, "late-closer");
        closer.start();
    }
}
