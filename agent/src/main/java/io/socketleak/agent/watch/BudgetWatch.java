package io.socketleak.agent.watch;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.jfr.FlightRecorderEvents;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Tracker;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches every destination's port budget and the file descriptor budget, and warns the moment one
 * is {@code warnAt} full: once when it crosses, again only if it keeps filling (every 5 points) or a
 * minute later if it is still there. Also arms the tracker so that the active close (ports) or the
 * open (descriptors) that crosses the line wakes the agent at once, instead of at its next check.
 * Each check is also the second's sample of the budgets' history, which it gives to reports.
 */
public final class BudgetWatch implements Supplier<BudgetHistory.View> {
    private static final double STEP = 0.05;
    private static final long REPEAT_MILLIS = 60_000;

    private final Tracker tracker;
    private final AgentLog log;
    private volatile double warnAt;
    private final Map<String, Warned> warned = new HashMap<>();
    /** Made at the first check, on the agent's thread: nothing of it is loaded before {@code main}. */
    private volatile BudgetHistory history;

    private record Warned(double level, long atMillis) {
    }

    public BudgetWatch(Tracker tracker, AgentLog log, double warnAt) {
        this.tracker = tracker;
        this.log = log;
        this.warnAt = warnAt;
    }

    /** Warns at this fraction from the next check on (a change at run time). */
    public void warnAt(double fraction) {
        warnAt = fraction;
    }

    /** Checks every budget now. Runs on the agent's thread. */
    public void check(TcpSettings tcp, KernelTcpTable.View kernel, FileDescriptors fds) {
        long now = System.currentTimeMillis();
        BudgetHistory samples = history;
        if (samples == null) {
            samples = new BudgetHistory();
            history = samples;
        }
        samples.second(now);
        for (Snapshot.DestinationStats d : tracker.budgetAlarms().destinationStats()) {
            if (d.address() == null) {
                continue;
            }
            PortBudget budget = PortBudget.of(d, tcp, kernel, Set.of());
            samples.destination(d.remote(), d.open(), budget.timeWaitHolding(), budget.portsInUse(),
                    budget.capacity());
            int warnPorts = (int) Math.ceil(budget.capacity() * warnAt);
            long ownInUse = budget.twReuseApplies() ? d.open() + d.youngTimeWait() : d.open() + d.timeWait();
            long others = Math.max(0, budget.portsInUse() - ownInUse); // other processes, per the kernel
            tracker.budgetAlarms().alarmAt(d.address(), budget.twReuseApplies() ? Integer.MAX_VALUE
                    : (int) Math.max(1, warnPorts - others));
            if (shouldWarn(d.remote(), budget.utilization(), now)) {
                log.warn(portWarning(budget));
                FlightRecorderEvents.portWarning(budget);
            }
        }
        samples.fileDescriptors(fds.open(), fds.max());
        if (fds.max() > 0 && fds.open() >= 0) {
            long warnFds = (long) Math.ceil(fds.max() * warnAt);
            // Each socket opened from now on takes a descriptor: arm the tracker for the one that crosses.
            tracker.budgetAlarms().openAlarmAt(tracker.openNow() + Math.max(1, warnFds - fds.open()));
            if (shouldWarn("file descriptors", fds.utilization(), now)) {
                FlightRecorderEvents.descriptorWarning(fds.open(), fds.max());
                log.warn(String.format(Locale.ROOT,
                        "FILE DESCRIPTORS %.0f%% used: %d of %d (ulimit -n) open, %d of them this JVM's sockets. "
                                + "At the limit, connects and accepts fail with \"Too many open files\".",
                        100 * fds.utilization(), fds.open(), fds.max(), tracker.openNow()));
            }
        }
    }

    /** The budgets' history as it is now, for a report: empty before the first check. */
    @Override
    public BudgetHistory.View get() {
        BudgetHistory samples = history;
        return samples == null ? BudgetHistory.empty(warnAt) : samples.view(warnAt);
    }

    private boolean shouldWarn(String what, double utilization, long now) {
        Warned last = warned.get(what);
        if (utilization < warnAt) {
            if (last != null && utilization < warnAt - 2 * STEP) {
                warned.remove(what); // well below again: the next crossing warns afresh
            }
            return false;
        }
        if (last == null || utilization >= last.level + STEP || now - last.atMillis >= REPEAT_MILLIS) {
            warned.put(what, new Warned(utilization, now));
            return true;
        }
        return false;
    }

    static String portWarning(PortBudget b) {
        StringBuilder w = new StringBuilder(256);
        w.append(String.format(Locale.ROOT, "PORTS to %s %.0f%% used: %d of %d local ports (%d open, %d in TIME_WAIT",
                b.remote(), 100 * b.utilization(), b.portsInUse(), b.capacity(), b.open(), b.timeWaitHolding()));
        if (b.twReuseApplies()) {
            w.append(" younger than ").append(b.holdSeconds()).append(" s: tcp_tw_reuse lets connects reuse older ones");
        }
        if (b.hostTimeWait() >= 0) {
            w.append(", ").append(b.hostTimeWait()).append(" in TIME_WAIT on the host");
        }
        w.append(String.format(Locale.ROOT, "), filling at %.1f active closes/s (over the last %.1f s)",
                b.activeClosesPerSecond(), b.rateWindowSeconds()));
        if (b.secondsToExhaustion() != null) {
            w.append(", ").append(TextReport.timeLeft(b.secondsToExhaustion())).append(" until connects fail");
        }
        w.append('.');
        if (!b.topCallSites().isEmpty()) {
            w.append(" Closing first here:");
            for (Snapshot.SiteCount site : b.topCallSites()) {
                w.append("\n      ").append(site.blame()).append(" (").append(site.count()).append(" active closes)");
            }
            w.append("\n  Reuse connections (keep-alive, a pool) instead of opening one per request.");
        }
        return w.toString();
    }
}
