package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Closes every socket it opens: passes. Checked through autodetection (junit-platform.properties). */
class CleanTest {
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
    void socketClosedWithTryWithResources() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.getOutputStream().write('a');
            assertEquals('a', socket.getInputStream().read());
        }
    }

    @Test
    void channelClosedWithTryWithResources() throws IOException {
        try (SocketChannel channel = SocketChannel.open(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()))) {
            channel.write(ByteBuffer.wrap(new byte[] {'b'}));
            ByteBuffer echo = ByteBuffer.allocate(1);
            channel.read(echo);
            assertEquals('b', echo.get(0));
        }
    }
}
