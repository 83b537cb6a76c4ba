package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.junit.SocketLeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One test forgets to close its socket: the class fails after its last test, naming that line.
 * Registered explicitly too (on top of autodetection), as a project without autodetection would.
 */
@ExtendWith(SocketLeakCheck.class)
class LeakingTest {
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
    void closesItsSocket() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write('a');
            assertEquals('a', socket.getInputStream().read());
        }
    }

    @Test
    void forgetsToCloseItsSocket() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port()); // LEAK: never closed
        socket.getOutputStream().write('b');
        assertEquals('b', socket.getInputStream().read());
    }
}
