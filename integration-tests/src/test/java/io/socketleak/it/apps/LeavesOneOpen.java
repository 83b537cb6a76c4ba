package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Exits with one socket dropped without close() when told to leak; cleanly otherwise. */
public final class LeavesOneOpen {
    public static void main(String[] args) throws Exception {
        boolean leak = args.length > 0 && args[0].equals("leak");
        try (ServerSocket server = WaitsForClientToClose.start(0)) {
            if (leak) {
                forget(server);
            } else {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.getOutputStream().write(1);
                }
                Thread.sleep(200); // the server's side closes once it reads our end of stream
            }
        }
        System.out.println("main done");
    }

    private static void forget(ServerSocket server) throws Exception {
        new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()).getOutputStream().write(1);
    }
}
