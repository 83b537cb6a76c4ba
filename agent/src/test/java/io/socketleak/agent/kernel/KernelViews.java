package io.socketleak.agent.kernel;

import io.socketleak.agent.config.PortRange;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Kernel views and TCP settings built by hand, for tests outside this package (their makings are package-private). */
public final class KernelViews {
    private KernelViews() {
    }

    /** A view in which {@code remote} has {@code established} connections and nothing listens. */
    public static KernelTcpTable.View withEstablished(InetSocketAddress remote, long established) {
        KernelTcpTable.Counts counts = new KernelTcpTable.Counts();
        counts.established = established;
        return new KernelTcpTable.View(Map.of(KernelTcpTable.key(remote), counts), Set.of(), Set.of(), 1, 0, 0);
    }

    /**
     * A view read at {@code takenAtMillis}: {@code remote} (unless null) has {@code established}
     * connections and TIME_WAIT entries by the seconds left on their timers; these ports listen.
     */
    public static KernelTcpTable.View view(InetSocketAddress remote, long established,
                                           Map<Integer, Long> timeWaitBySecondsLeft, Set<Integer> listening,
                                           long takenAtMillis) {
        Map<Object, KernelTcpTable.Counts> byRemote = new HashMap<>();
        if (remote != null) {
            KernelTcpTable.Counts counts = new KernelTcpTable.Counts();
            counts.established = established;
            for (Map.Entry<Integer, Long> entry : timeWaitBySecondsLeft.entrySet()) {
                counts.addTimeWait(entry.getValue(), entry.getKey());
            }
            byRemote.put(KernelTcpTable.key(remote), counts);
        }
        return new KernelTcpTable.View(byRemote, Set.of(), listening, byRemote.size(), 0, takenAtMillis);
    }

    public static TcpSettings tcpSettings(PortRange range, int reservedPorts, int timeWaitSeconds, Integer twReuse) {
        return new TcpSettings(range, reservedPorts, timeWaitSeconds, twReuse, "test");
    }
}
