package io.socketleak.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A loopback server that reads each connection to its end and only then closes: the client closes first. */
final class WaitsForClientToClose {
    private WaitsForClientToClose() {
    }

    /** Starts serving on a daemon thread; returns the listening socket. */
    static ServerSocket start(int port) throws IOException {
        ServerSocket server = new ServerSocket(port, 500, InetAddress.getLoopbackAddress());
        Thread peer = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // until the client's FIN
                    }
                } catch (IOException e) {
                    // a reset connection, or the server closed: go on or stop
                }
            }
        }, "waits-for-client-to-close");
        peer.setDaemon(true);
        peer.start();
        return server;
    }
}
