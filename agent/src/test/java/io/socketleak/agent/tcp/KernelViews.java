package io.socketleak.agent.tcp;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;

/** Kernel views built by hand, for tests outside this package (the counts' fields are package-private). */
public final class KernelViews {
    private KernelViews() {
    }

    /** A view in which {@code remote} has {@code established} connections and nothing listens. */
    public static KernelTcpTable.View withEstablished(InetSocketAddress remote, long established) {
        KernelTcpTable.Counts counts = new KernelTcpTable.Counts();
        counts.established = established;
        return new KernelTcpTable.View(Map.of(KernelTcpTable.key(remote), counts), Set.of(), Set.of(), 1, 0, 0);
    }
}
