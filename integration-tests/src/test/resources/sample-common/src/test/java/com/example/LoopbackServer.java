package com.example;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An echo server on the loopback interface, in the test JVM. It closes its end of a connection as
 * soon as the client closes theirs, a moment after the client: the kind of asynchronous close the
 * extension's grace period is for.
 */
final class LoopbackServer implements AutoCloseable {
    private final ServerSocket listener;

    LoopbackServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptConnections, "loopback-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptConnections() {
        while (true) {
            Socket accepted;
            try {
                accepted = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Thread handler = new Thread(() -> echoUntilClientCloses(accepted), "loopback-handler");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private static void echoUntilClientCloses(Socket accepted) {
        try (accepted; InputStream in = accepted.getInputStream(); OutputStream out = accepted.getOutputStream()) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
        } catch (IOException reset) {
            // the client went away; closing our end is all there is to do
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
