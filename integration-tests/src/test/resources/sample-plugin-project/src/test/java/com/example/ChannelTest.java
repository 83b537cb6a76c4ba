package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A second clean class, so that a run with a fork per class has two test JVMs. */
class ChannelTest {
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
