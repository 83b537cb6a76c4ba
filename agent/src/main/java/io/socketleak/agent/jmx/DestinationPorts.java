package io.socketleak.agent.jmx;

import javax.management.ConstructorParameters;

/**
 * One destination's row of {@link SocketLeakDetectorMXBean#getBusiestDestinations()}: how many of its
 * local ports are in use and how fast they are taken. A JMX client sees it as a {@code CompositeData}
 * with these items; the constructor lets a client with this class rebuild it.
 */
public final class DestinationPorts {
    private final int open;
    private final long timeWait;
    private final long portsInUse;
    private final int portCapacity;
    private final double utilization;
    private final double activeClosesPerSecond;
    private final long opened;
    private final long activeCloses;

    @ConstructorParameters({"open", "timeWait", "portsInUse", "portCapacity", "utilization",
            "activeClosesPerSecond", "opened", "activeCloses"})
    public DestinationPorts(int open, long timeWait, long portsInUse, int portCapacity, double utilization,
                            double activeClosesPerSecond, long opened, long activeCloses) {
        this.open = open;
        this.timeWait = timeWait;
        this.portsInUse = portsInUse;
        this.portCapacity = portCapacity;
        this.utilization = utilization;
        this.activeClosesPerSecond = activeClosesPerSecond;
        this.opened = opened;
        this.activeCloses = activeCloses;
    }

    /** Connections to it open now. */
    public int getOpen() {
        return open;
    }

    /** This JVM's active closes to it still in TIME_WAIT. */
    public long getTimeWait() {
        return timeWait;
    }

    /** Local ports held towards it: open plus TIME_WAIT (the kernel's count for the host when larger). */
    public long getPortsInUse() {
        return portsInUse;
    }

    /** Local ports available towards it. */
    public int getPortCapacity() {
        return portCapacity;
    }

    /** Ports in use over capacity, 0 to 1. */
    public double getUtilization() {
        return utilization;
    }

    /** Active closes to it per second, over the recent window (the report's rateWindowSeconds, 1 to 10 s). */
    public double getActiveClosesPerSecond() {
        return activeClosesPerSecond;
    }

    /** Connections to it since start. */
    public long getOpened() {
        return opened;
    }

    /** Closes to it since start in which this side sent the first FIN (each leaves a TIME_WAIT here). */
    public long getActiveCloses() {
        return activeCloses;
    }

    @Override
    public String toString() {
        return "open=" + open + " timeWait=" + timeWait + " portsInUse=" + portsInUse + "/" + portCapacity
                + " utilization=" + utilization + " activeClosesPerSecond=" + activeClosesPerSecond
                + " opened=" + opened + " activeCloses=" + activeCloses;
    }
}
