package io.socketleak.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Short connections to its own loopback server, the client closing first (TIME_WAIT here), 50 a
 * second for the seconds given; then it holds one connection open and waits for standard input to
 * end. Says {@code ready <pid>} as it starts to connect and {@code churned} when it stops.
 */
public final class ChurnsThenWaits {
    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        ServerSocket server = WaitsForClientToClose.start(0);
        System.out.println("ready " + ProcessHandle.current().pid());
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                socket.getOutputStream().write(1);
            }
            Thread.sleep(20);
        }
        Socket held = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        System.out.println("churned " + server.getLocalPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // until the test closes our standard input
        }
        held.close();
    }
}
