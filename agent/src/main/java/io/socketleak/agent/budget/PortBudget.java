package io.socketleak.agent.budget;

import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.tracking.Snapshot;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * How full one destination's local ports are, and how soon they run out.
 *
 * <p>The kernel picks a local port for each new connection to a (local IP, remote IP, remote port)
 * from the ephemeral range; a port is held while the connection is open and, when this side closed
 * first, for the TIME_WAIT that follows. So at a steady rate of active closes {@code r}, about
 * {@code r x TIME_WAIT} ports are always held: 28,232 ports / 60 s is about 470 new connections
 * per second to one destination. With {@code tcp_tw_reuse} in force (1, or 2 for loopback), a new
 * connect may take over a TIME_WAIT port once it is about a second old, so only the youngest hold.
 *
 * @param portsInUse          open connections plus TIME_WAIT holding a port: this JVM's own count,
 *                            or the kernel's count for the whole host when that is larger
 * @param timeWait            this JVM's active closes still in TIME_WAIT
 * @param hostTimeWait        the kernel's TIME_WAIT count to this destination, all processes, less those
 *                            whose timer ran out since the reading; -1 unknown
 * @param capacity            ports available to this destination
 * @param secondsToExhaustion at the current rate, or null if the ports never run out at this rate
 */
public record PortBudget(String remote, int open, long timeWait, long hostTimeWait, long portsInUse, int capacity,
                         double utilization, double activeClosesPerSecond, Double secondsToExhaustion,
                         boolean twReuseApplies, List<Snapshot.SiteCount> topCallSites) {

    public static PortBudget of(Snapshot.DestinationStats d, TcpSettings tcp, KernelTcpTable.View kernel,
                                Set<Integer> listeningHere) {
        boolean reuse = twReuseApplies(tcp, d.address() == null ? null : d.address().getAddress());
        int holdSeconds = reuse ? Snapshot.REUSE_AGE_SECONDS : tcp.timeWaitSeconds();
        long held = reuse ? d.youngTimeWait() : d.timeWait();
        long inUse = d.open() + held;
        long hostTimeWait = -1;
        if (kernel != null && d.address() != null) {
            KernelTcpTable.Counts host = kernel.to(d.address());
            long age = kernel.ageMillis(); // the table is read seldom when it is large
            hostTimeWait = host == null ? 0 : host.timeWaitAfter(age);
            if (host != null && !reuse) {
                inUse = Math.max(inUse, host.portsInUseAfter(age));
            }
        }
        int capacity = capacity(tcp, kernel, listeningHere);
        double rate = d.recentActiveCloses() / (double) Snapshot.RATE_SECONDS;
        Double secondsLeft = null;
        long others = inUse - (d.open() + held); // other processes' connections, per the kernel
        if (rate > 0 && others + d.open() + rate * holdSeconds >= capacity) {
            // Ports fill at the rate of new TIME_WAITs, minus those expiring (spread over the hold time).
            double netFill = Math.max(rate - held / (double) holdSeconds, rate / 10);
            secondsLeft = Math.max(0, (capacity - inUse) / netFill);
        }
        double utilization = capacity <= 0 ? 1 : Math.min(1, inUse / (double) capacity);
        return new PortBudget(d.remote(), d.open(), d.timeWait(), hostTimeWait, inUse, capacity, utilization, rate,
                secondsLeft, reuse, d.topCallSites());
    }

    /** Ephemeral ports less those reserved, and those held by listening sockets (here or on the host). */
    static int capacity(TcpSettings tcp, KernelTcpTable.View kernel, Set<Integer> listeningHere) {
        int capacity = tcp.portRange().size() - tcp.reservedPorts();
        Set<Integer> listening = kernel != null ? kernel.listening() : listeningHere;
        for (int port : listening) {
            if (port >= tcp.portRange().low() && port <= tcp.portRange().high()) {
                capacity--;
            }
        }
        return Math.max(0, capacity);
    }

    static boolean twReuseApplies(TcpSettings tcp, InetAddress remote) {
        Integer reuse = tcp.twReuse();
        return reuse != null && (reuse == 1 || (reuse == 2 && remote != null && remote.isLoopbackAddress()));
    }
}
