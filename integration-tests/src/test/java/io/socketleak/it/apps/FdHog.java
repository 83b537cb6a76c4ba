package io.socketleak.it.apps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens connections to its own server and keeps them, at a steady rate, until the process runs out
 * of file descriptors. Progress goes to standard error, interleaved with the agent's log.
 */
public final class FdHog {
    private static final List<Socket> KEPT = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        double perSecond = Double.parseDouble(args[0]);
        ServerSocket server = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket accepted = server.accept();
                    synchronized (KEPT) {
                        KEPT.add(accepted);
                    }
                } catch (IOException e) {
                    if (server.isClosed()) {
                        return;
                    }
                    try {
                        Thread.sleep(10); // out of descriptors: the client side notices too
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        long periodMillis = (long) (1000 / perSecond);
        for (int n = 1; n < 100_000; n++) {
            Thread.sleep(periodMillis);
            System.err.println("hog: connecting #" + n);
            try {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                synchronized (KEPT) {
                    KEPT.add(socket);
                }
            } catch (IOException e) {
                System.err.println("hog: refused at #" + n + ": " + e.getMessage());
                Thread.sleep(1500);
                return;
            }
        }
    }
}
