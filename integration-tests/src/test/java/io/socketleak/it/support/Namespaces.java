package io.socketleak.it.support;

import java.util.concurrent.TimeUnit;

/** Whether this machine lets tests make private network namespaces ({@code unshare -n}, as root). */
public final class Namespaces {
    private static Boolean available;

    private Namespaces() {
    }

    public static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("unshare", "-n", "sh", "-c",
                        "ip link set lo up && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse")
                        .redirectErrorStream(true).start();
                available = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (Exception e) {
                available = false;
            }
        }
        return available;
    }

    public static final String WHY_NOT = "needs a private network namespace: run as root with unshare(1) and "
            + "ip(8) (iproute2) installed";
}
