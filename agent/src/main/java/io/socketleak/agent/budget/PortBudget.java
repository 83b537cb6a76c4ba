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
 * @param timeWaitHolding     of those, the ones that hold a port: all, or where {@code tcp_tw_reuse}
 *                            applies the ones younger than {@link Snapshot#REUSE_AGE_SECONDS}
 * @param hostTimeWait        the kernel's TIME_WAIT count to this destination, all processes, less those
 *                            whose timer ran out since the reading; -1 unknown
 * @param capacity            ports available to this destination: the usable range less the listening
 *                            ports inside it
 * @param listeningInRange    listening ports inside the ephemeral range (here or, per the kernel, on the host)
 * @param rateWindowSeconds   the recent window {@code activeClosesPerSecond} is measured over (1 to 10 s)
 * @param holdSeconds         how long an active close holds a port: the TIME_WAIT, or about 2 s where
 *                            {@code tcp_tw_reuse} applies
 * @param secondsToExhaustion at the current rate, or null if the ports never run out at this rate
 */
public record PortBudget(String remote, int open, long timeWait, long timeWaitHolding, long hostTimeWait,
                         long portsInUse, int capacity, int listeningInRange, double utilization,
                         double activeClosesPerSecond, double rateWindowSeconds, Double secondsToExhaustion,
                         boolean twReuseApplies, int holdSeconds, List<Snapshot.SiteCount> topCallSites) {

    /** The most new connections a second that this destination's ports allow, each closed first. */
    public double maxActiveClosesPerSecond() {
        return capacity / (double) holdSeconds;
    }

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
        int listeningInRange = listeningInRange(tcp, kernel, listeningHere);
        int capacity = capacity(tcp, listeningInRange);
        double rate = d.activeClosesPerSecond();
        Double secondsLeft = null;
        long others = inUse - (d.open() + held); // other processes' connections, per the kernel
        if (rate > 0 && others + d.open() + rate * holdSeconds >= capacity) {
            // Ports fill at the rate of new TIME_WAITs, minus those expiring (spread over the hold time).
            double netFill = Math.max(rate - held / (double) holdSeconds, rate / 10);
            secondsLeft = Math.max(0, (capacity - inUse) / netFill);
        }
        double utilization = capacity <= 0 ? 1 : Math.min(1, inUse / (double) capacity);
        return new PortBudget(d.remote(), d.open(), d.timeWait(), held, hostTimeWait, inUse, capacity,
                listeningInRange, utilization, rate, d.rateWindowMillis() / 1000.0, secondsLeft, reuse, holdSeconds,
                d.topCallSites());
    }

    /** Ephemeral ports less those reserved, and those held by listening sockets (here or on the host). */
    static int capacity(TcpSettings tcp, KernelTcpTable.View kernel, Set<Integer> listeningHere) {
        return capacity(tcp, listeningInRange(tcp, kernel, listeningHere));
    }

    private static int capacity(TcpSettings tcp, int listeningInRange) {
        return Math.max(0, tcp.portRange().size() - tcp.reservedPorts() - listeningInRange);
    }

    /** Listening sockets (here or on the host) on ports of the ephemeral range: those ports are not to be had. */
    static int listeningInRange(TcpSettings tcp, KernelTcpTable.View kernel, Set<Integer> listeningHere) {
        int count = 0;
        Set<Integer> listening = kernel != null ? kernel.listening() : listeningHere;
        for (int port : listening) {
            if (port >= tcp.portRange().low() && port <= tcp.portRange().high()) {
                count++;
            }
        }
        return count;
    }

    static boolean twReuseApplies(TcpSettings tcp, InetAddress remote) {
        Integer reuse = tcp.twReuse();
        return reuse != null && (reuse == 1 || (reuse == 2 && remote != null && remote.isLoopbackAddress()));
    }
}
