package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** An application that uses a socket and says so: proves it ran, with or without the agent. */
public final class Hello {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.getOutputStream().write(42);
            System.out.println("application ran: " + accepted.getInputStream().read());
        }
    }
}
