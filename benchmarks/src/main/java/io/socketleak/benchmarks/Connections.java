package io.socketleak.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** The client side of a short connection, shared by the connect benchmarks. */
final class Connections {
    static final String SOCKET = "Socket";
    static final String SOCKET_CHANNEL = "SocketChannel";

    private static final byte[] ONE_BYTE = {1};

    private Connections() {
    }

    /**
     * Connects, writes one byte and closes before the server does, as a client making one request
     * per connection would: the close is active and leaves the connection in TIME_WAIT here.
     */
    static void connectWriteClose(String api, InetSocketAddress server) throws IOException {
        if (SOCKET_CHANNEL.equals(api)) {
            try (SocketChannel channel = SocketChannel.open(server)) {
                channel.write(ByteBuffer.wrap(ONE_BYTE));
            }
        } else {
            try (Socket socket = new Socket()) {
                socket.connect(server);
                socket.getOutputStream().write(ONE_BYTE);
            }
        }
    }

    /** Reads until the peer closes; returns the number of bytes read. */
    static int readToEnd(InputStream in) throws IOException {
        int total = 0;
        while (in.read() >= 0) {
            total++;
        }
        return total;
    }
}
