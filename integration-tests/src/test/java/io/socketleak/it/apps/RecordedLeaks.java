package io.socketleak.it.apps;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Leaks one socket and churns ten short connections, for a flight recording to capture. */
public final class RecordedLeaks {
    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread peer = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // the client closes first
                    }
                } catch (Exception e) {
                    return;
                }
            }
        });
        peer.setDaemon(true);
        peer.start();
        dropOne(server.getLocalPort());
        for (int i = 0; i < 10; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.getOutputStream().write(1);
            }
        }
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    private static void dropOne(int port) throws Exception {
        new Socket(InetAddress.getLoopbackAddress(), port).getOutputStream().write(1);
    }
}
