package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Opens a connection and idles a moment: long enough for the agent's thread to tick a few times. */
public final class Idles {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Thread.sleep(Long.parseLong(args[0]));
            System.out.println("idled " + client.isConnected() + " " + accepted.isConnected());
        }
    }
}
