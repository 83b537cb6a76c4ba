package io.socketleak.it.support;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Whether this machine lets tests make private network namespaces ({@code unshare -n}, as root). Where
 * {@code SOCKETLEAK_TEST_NAMESPACES=required} (CI sets it), a machine that cannot fails the tests that
 * need one, with the reason, instead of skipping them.
 */
public final class Namespaces {
    private static Boolean available;
    private static String whyNot = "";

    private Namespaces() {
    }

    public static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("unshare", "-n", "sh", "-c",
                        "ip link set lo up && echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse")
                        .redirectErrorStream(true).start();
                boolean ended = p.waitFor(10, TimeUnit.SECONDS);
                if (!ended) {
                    p.destroyForcibly();
                }
                available = ended && p.exitValue() == 0;
                if (!available) {
                    whyNot = ended ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                            : "unshare did not finish within 10 s";
                }
            } catch (Exception e) {
                available = false;
                whyNot = e.toString();
            }
        }
        if (!available && "required".equals(System.getenv("SOCKETLEAK_TEST_NAMESPACES"))) {
            throw new AssertionError("private network namespaces are required here (SOCKETLEAK_TEST_NAMESPACES="
                    + "required) but cannot be made: " + whyNot);
        }
        return available;
    }

    public static final String WHY_NOT = "needs a private network namespace: run as root with unshare(1) and "
            + "ip(8) (iproute2) installed";
}
