package io.socketleak.agent.jmx;

import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.JsonReport;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.protocol.AgentProtocol;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MXBean: each read takes a fresh snapshot, so numbers are current, never cached. */
public final class SocketLeakDetector implements SocketLeakDetectorMXBean {

    private final Reporter reporter;
    private final Snapshots snapshots;
    private final HookStatus hooks;
    private final String version;

    public SocketLeakDetector(Reporter reporter, Snapshots snapshots, HookStatus hooks, String version) {
        this.reporter = reporter;
        this.snapshots = snapshots;
        this.hooks = hooks;
        this.version = version;
    }

    void registerIn(MBeanServer server, AgentLog log) {
        try {
            server.registerMBean(this, new ObjectName(AgentProtocol.OBJECT_NAME));
        } catch (Exception | LinkageError e) {
            log.warn("cannot register the MXBean " + AgentProtocol.OBJECT_NAME + ": " + e);
        }
    }

    private Report now() {
        return reporter.report();
    }

    @Override
    public long getOpenSockets() {
        return now().sockets().openSockets();
    }

    @Override
    public long getListeningSockets() {
        return now().sockets().listening();
    }

    @Override
    public long getOpened() {
        return now().sockets().counters().opened();
    }

    @Override
    public long getClosed() {
        return now().sockets().counters().closed();
    }

    @Override
    public long getActiveCloses() {
        return now().sockets().counters().activeCloses();
    }

    @Override
    public long getPassiveCloses() {
        return now().sockets().counters().passiveCloses();
    }

    @Override
    public long getAbortiveCloses() {
        return now().sockets().counters().abortiveCloses();
    }

    @Override
    public long getCollectedUnclosed() {
        return now().sockets().counters().collectedUnclosed();
    }

    @Override
    public long getCloseWaitLeaks() {
        return now().sockets().counters().closeWaitLeaks();
    }

    @Override
    public long getLeaks() {
        return now().leakCount();
    }

    @Override
    public double getWorstPortUtilization() {
        double worst = 0;
        for (PortBudget budget : now().budgets()) {
            worst = Math.max(worst, budget.utilization());
        }
        return worst;
    }

    @Override
    public long getOpenFileDescriptors() {
        return FileDescriptors.read().open();
    }

    @Override
    public long getMaxFileDescriptors() {
        return FileDescriptors.read().max();
    }

    @Override
    public String[] getMissingHooks() {
        return hooks.missing().toArray(new String[0]);
    }

    @Override
    public String report() {
        return TextReport.render(now());
    }

    @Override
    public String reportJson() {
        return JsonReport.render(now());
    }

    @Override
    public String getVersion() {
        return version;
    }

    @Override
    public long mark() {
        return System.nanoTime();
    }

    @Override
    public String socketsSinceJson(long mark) {
        return JsonReport.render(snapshots.since(mark));
    }

    @Override
    public String socketsBetweenJson(long from, long to) {
        return JsonReport.render(snapshots.between(from, to));
    }
}
