package com.example;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * One connection opened before the first test and used by all of them, the way a keep-alive client
 * pool keeps its connections. Neither end is ever closed: the JVM's exit does it.
 */
final class SharedConnection {
    private final Socket client;
    private final Socket server;

    private SharedConnection(Socket client, Socket server) {
        this.client = client;
        this.server = server;
    }

    static SharedConnection open() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
            return new SharedConnection(client, listener.accept());
        }
    }

    /** Sends one byte from the client end and reads it at the server end. */
    int send(int b) throws IOException {
        client.getOutputStream().write(b);
        client.getOutputStream().flush();
        return server.getInputStream().read();
    }
}
