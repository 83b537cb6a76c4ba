package io.socketleak.it.apps;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Opens its sockets on main's first line and exits at once: what a JVM of a few tens of
 * milliseconds does. Three connections: a {@code Socket} and a {@code SocketChannel} each closed by
 * the client first (the server then reads the end of stream and closes: one active and one passive
 * close each), and one left open at exit.
 */
public final class FirstMoment {
    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        closeBothEnds(client, server.accept());
        SocketChannel channel = SocketChannel.open(server.getLocalSocketAddress());
        closeBothEnds(channel.socket(), server.accept());
        Socket keptOpen = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket keptAccepted = server.accept();
        System.out.println("main done " + (keptOpen.isConnected() && keptAccepted.isConnected()));
    }

    private static void closeBothEnds(Socket client, Socket accepted) throws Exception {
        client.close();
        InputStream in = accepted.getInputStream();
        while (in.read() >= 0) {
            // to the client's FIN
        }
        accepted.close();
    }
}
