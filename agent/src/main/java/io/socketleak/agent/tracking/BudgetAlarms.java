package io.socketleak.agent.tracking;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The budget watch's side of tracking: what it reads between reports (the ports each destination
 * holds) and the levels it sets, at which an application thread wakes it: ports in use to one
 * destination, open sockets (descriptors), or a connect the kernel refused.
 */
public final class BudgetAlarms {
    private final Runnable alarm;
    private final Destinations destinations;
    private volatile long openSocketsAt = Long.MAX_VALUE;

    BudgetAlarms(Runnable alarm, Destinations destinations) {
        this.alarm = alarm;
        this.destinations = destinations;
    }

    /** Destinations alone, cheaply: for watching port budgets between reports. */
    public List<Snapshot.DestinationStats> destinationStats() {
        return destinations.stats(System.currentTimeMillis());
    }

    /** From now on, a close to this destination that brings its ports in use to this level raises the alarm. */
    public void alarmAt(InetSocketAddress remote, int portsInUse) {
        destinations.alarmAt(remote, portsInUse);
    }

    /** From now on, an open that brings the open sockets to this level raises the alarm. */
    public void openAlarmAt(long openSockets) {
        openSocketsAt = openSockets;
    }

    // ---- application threads: each must only wake the watch up ------------------------------

    void opened(long openNow) {
        if (openNow >= openSocketsAt) {
            alarm.run();
        }
    }

    void activeClose(Destination d) {
        if (d.portsInUseUpperBound() >= d.alarmAt) {
            alarm.run();
        }
    }

    void refused() {
        alarm.run();
    }
}
