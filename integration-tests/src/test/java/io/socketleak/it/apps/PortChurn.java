package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * Short connections to one server, the client closing first, at a steady rate, until the kernel
 * refuses a connect (or for a fixed count). Progress goes to standard error, interleaved with the
 * agent's log, so a test can see what came first.
 *
 * <p>Arguments: server port, connections per second, how many at most (then it stops and waits
 * {@code linger} seconds before exiting, for the agent to report), and how many connects to try
 * again after the first refused, 100 ms apart (none by default).
 */
public final class PortChurn {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        double perSecond = Double.parseDouble(args[1]);
        int max = Integer.parseInt(args[2]);
        double linger = args.length > 3 ? Double.parseDouble(args[3]) : 1.5;
        int retries = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        WaitsForClientToClose.start(port);

        long start = System.nanoTime();
        long periodNanos = (long) (1e9 / perSecond);
        for (int n = 1; n <= max; n++) {
            long due = start + (n - 1) * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            System.err.println("churn: connecting #" + n);
            try {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.getOutputStream().write(1);
                socket.close();
            } catch (SocketException e) {
                System.err.println("churn: refused at #" + n + ": " + e.getMessage());
                for (int again = 1; again <= retries; again++) {
                    Thread.sleep(100);
                    try {
                        new Socket(InetAddress.getLoopbackAddress(), port).close();
                        System.err.println("churn: connected again");
                    } catch (SocketException refused) {
                        System.err.println("churn: refused again #" + again + ": " + refused.getMessage());
                    }
                }
                Thread.sleep((long) (linger * 1000));
                return;
            }
        }
        System.err.println("churn: done");
        Thread.sleep((long) (linger * 1000));
    }
}
