package io.socketleak.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kernel's own view of TCP connections, from /proc/net/tcp and /proc/net/tcp6 (Linux). */
public final class KernelTcp {
    public static final String ESTABLISHED = "01";
    public static final String TIME_WAIT = "06";
    public static final String CLOSE_WAIT = "08";

    /** One line of /proc/net/tcp{,6}: ports, the state code, and the bytes received but not yet read. */
    public record Entry(int localPort, int remotePort, String state, long unread) {
    }

    private KernelTcp() {
    }

    public static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    public static List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+", -1);
                if (f.length < 5) {
                    continue;
                }
                all.add(new Entry(port(f[1]), port(f[2]), f[3], Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16)));
            }
        }
        return all;
    }

    /** The state of the connection between two loopback ports, as seen from {@code localPort}'s side. */
    public static String state(int localPort, int remotePort) {
        for (Entry e : entries()) {
            if (e.localPort == localPort && e.remotePort == remotePort) {
                return e.state;
            }
        }
        return null;
    }

    /** Waits up to the timeout for the state; returns the last state seen. */
    public static String awaitState(int localPort, int remotePort, String wanted, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String state = state(localPort, remotePort);
        while (!wanted.equals(state) && System.currentTimeMillis() < deadline) {
            AgentReport.sleep(20);
            state = state(localPort, remotePort);
        }
        return state;
    }

    /** Waits up to the timeout until at least {@code bytes} wait unread on {@code localPort}'s side. */
    public static boolean awaitUnread(int localPort, int remotePort, long bytes, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        do {
            for (Entry e : entries()) {
                if (e.localPort == localPort && e.remotePort == remotePort && e.unread >= bytes) {
                    return true;
                }
            }
            AgentReport.sleep(10);
        } while (System.currentTimeMillis() < deadline);
        return false;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
