package io.socketleak.agent.jmx;

import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.config.RunningOptions;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.JsonReport;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.protocol.AgentProtocol;
import io.socketleak.protocol.Durations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The MXBean. Each read is current, never cached: an attribute reads the tracker's counts (cheap, for
 * consoles and scrapers that read them all every few seconds); only {@code report()} and
 * {@code reportJson()} build a whole report.
 */
public final class SocketLeakDetector implements SocketLeakDetectorMXBean {

    private final Reporter reporter;
    private final Snapshots snapshots;
    private final HookStatus hooks;
    private final String version;
    private final RunningOptions options;

    public SocketLeakDetector(Reporter reporter, Snapshots snapshots, HookStatus hooks, String version,
                              RunningOptions options) {
        this.reporter = reporter;
        this.snapshots = snapshots;
        this.hooks = hooks;
        this.version = version;
        this.options = options;
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
        return snapshots.totals().openSockets();
    }

    @Override
    public long getListeningSockets() {
        return snapshots.totals().listening();
    }

    @Override
    public long getOpened() {
        return snapshots.totals().counters().opened();
    }

    @Override
    public long getClosed() {
        return snapshots.totals().counters().closed();
    }

    @Override
    public long getActiveCloses() {
        return snapshots.totals().counters().activeCloses();
    }

    @Override
    public long getPassiveCloses() {
        return snapshots.totals().counters().passiveCloses();
    }

    @Override
    public long getAbortiveCloses() {
        return snapshots.totals().counters().abortiveCloses();
    }

    @Override
    public long getCollectedUnclosed() {
        return snapshots.totals().counters().collectedUnclosed();
    }

    @Override
    public long getCloseWaitLeaks() {
        return snapshots.totals().counters().closeWaitLeaks();
    }

    @Override
    public long getLeaks() {
        return snapshots.totals().leaks();
    }

    @Override
    public double getWorstPortUtilization() {
        return reporter.worstPortUtilization();
    }

    /**
     * From the destinations' counts and the last kernel reading, like {@link #getWorstPortUtilization()}:
     * no report is built.
     */
    @Override
    public Map<String, DestinationPorts> getBusiestDestinations() {
        List<Row> rows = new ArrayList<>();
        for (Snapshot.DestinationStats d : snapshots.destinations()) {
            rows.add(new Row(d, reporter.portBudget(d)));
        }
        rows.sort(BUSIEST_FIRST);
        Map<String, DestinationPorts> busiest = new LinkedHashMap<>();
        for (Row row : rows.subList(0, Math.min(BUSIEST_DESTINATIONS, rows.size()))) {
            PortBudget b = row.budget;
            busiest.put(row.stats.remote(), new DestinationPorts(b.open(), b.timeWait(), b.portsInUse(), b.capacity(),
                    b.utilization(), b.activeClosesPerSecond(), row.stats.opened(), row.stats.activeCloses()));
        }
        return busiest;
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
    public int getMissingHookCount() {
        return hooks.missing().size();
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
    public String getInterval() {
        return Durations.format(options.current().interval());
    }

    @Override
    public void setInterval(String interval) {
        change(Options.Key.INTERVAL, interval);
    }

    @Override
    public String getReport() {
        String report = options.current().report();
        return report == null ? "" : report;
    }

    @Override
    public void setReport(String path) {
        change(Options.Key.REPORT, path);
    }

    @Override
    public String getCloseWaitAfter() {
        return Durations.format(options.current().closeWaitAfter());
    }

    @Override
    public void setCloseWaitAfter(String closeWaitAfter) {
        change(Options.Key.CLOSE_WAIT_AFTER, closeWaitAfter);
    }

    @Override
    public double getWarnAt() {
        return options.current().warnAt();
    }

    @Override
    public void setWarnAt(double warnAt) {
        change(Options.Key.WARN_AT, Double.toString(warnAt));
    }

    @Override
    public String getLog() {
        return options.current().log();
    }

    @Override
    public void setLog(String log) {
        change(Options.Key.LOG, log);
    }

    /** A JMX client sees the reason as the exception's message: open types only, nothing of ours. */
    private void change(Options.Key key, String value) {
        if (value == null || value.indexOf(',') >= 0) {
            throw new IllegalArgumentException("bad option '" + key.optionName() + "=" + value + "'");
        }
        try {
            options.change(key.optionName() + "=" + value);
        } catch (BadOptionException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
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

    /** A destination with its port budget, to be ranked. */
    private record Row(Snapshot.DestinationStats stats, PortBudget budget) {
    }

    /** Most ports in use first, then most opened; ties by name, so that the rows cut off stay the same. */
    private static final Comparator<Row> BUSIEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Row a, Row b) {
            int byPorts = Long.compare(b.budget.portsInUse(), a.budget.portsInUse());
            if (byPorts != 0) {
                return byPorts;
            }
            int byOpened = Long.compare(b.stats.opened(), a.stats.opened());
            return byOpened != 0 ? byOpened : a.stats.remote().compareTo(b.stats.remote());
        }
    };
}
