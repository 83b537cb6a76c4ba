package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Leaks one socket and churns ten short connections, for a flight recording to capture. */
public final class RecordedLeaks {
    public static void main(String[] args) throws Exception {
        ServerSocket server = WaitsForClientToClose.start(0);
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
