package io.socketleak.agent.report;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.ProcFiles;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Builds reports from the tracker and the system's readings, and writes them where the options say. */
public final class Reporter {
    private final Snapshots snapshots;
    private final Readings readings;
    private final Supplier<Report.Health> health;
    private final Supplier<BudgetHistory.View> history;
    private final long pid = ProcFiles.pid();

    public Reporter(Snapshots snapshots, Readings readings, Supplier<Report.Health> health,
                    Supplier<BudgetHistory.View> history) {
        this.snapshots = snapshots;
        this.readings = readings;
        this.health = health;
        this.history = history;
    }

    /** A report that opens no file: for the moment the process has run out of descriptors. */
    public Report reportFromMemory() {
        return build(List.of(), readings.lastFileDescriptors(), readings.lastSocketsBeforeHooks(), null);
    }

    public Report report() {
        return build(List.of(), readings.readFileDescriptors(), readings.refreshSocketsBeforeHooks(), null);
    }

    /**
     * The report at the JVM's exit.
     *
     * @param stillOpenAsLeaks whether the sockets still open count as leaks too ({@code failOnLeak})
     */
    public Report exitReport(boolean stillOpenAsLeaks) {
        List<Leak> open = snapshots.stillOpen();
        return build(stillOpenAsLeaks ? open : List.of(), readings.readFileDescriptors(),
                readings.refreshSocketsBeforeHooks(), open);
    }

    /** @param openAtExit the sockets still open at exit, or null for a report made while running */
    private Report build(List<Leak> stillOpen, FileDescriptors fds, List<SocketsBeforeHooks.Socket> before,
                         List<Leak> openAtExit) {
        Snapshot snapshot = snapshots.snapshot();
        TcpSettings settings = readings.tcpSettings();
        KernelTcpTable.View view = readings.kernelView();
        List<PortBudget> budgets = budgets(snapshot.destinations(), settings, view);
        Report.KernelReading reading = view == null ? null : new Report.KernelReading(view.lines(),
                view.scanNanos() / 1e6, System.currentTimeMillis() - view.takenAtMillis());
        return new Report(pid, Instant.now(), openAtExit != null, snapshot, stillOpen, budgets, fds, settings, reading,
                before, health.get(), history.get(), openAtExit);
    }

    /** The fullest destination's port budget, 0 to 1, without building a report. */
    public double worstPortUtilization() {
        double worst = 0;
        for (Snapshot.DestinationStats d : snapshots.destinations()) {
            worst = Math.max(worst, portBudget(d).utilization());
        }
        return worst;
    }

    /** One destination's port budget from the latest readings, without building a report. */
    public PortBudget portBudget(Snapshot.DestinationStats destination) {
        return PortBudget.of(destination, readings.tcpSettings(), readings.kernelView(), Set.of());
    }

    private static List<PortBudget> budgets(List<Snapshot.DestinationStats> destinations, TcpSettings tcp,
                                            KernelTcpTable.View kernel) {
        List<PortBudget> budgets = new ArrayList<>(destinations.size());
        for (Snapshot.DestinationStats d : destinations) {
            budgets.add(PortBudget.of(d, tcp, kernel, Set.of()));
        }
        return budgets;
    }

    /** Whether a report path asks for the HTML page: it ends in {@code .html}, in any case. */
    public static boolean isHtml(String path) {
        return path.regionMatches(true, path.length() - 5, ".html", 0, 5);
    }

    /**
     * Writes the report file: the HTML page where the path ends in {@code .html}, else the JSON
     * report. Atomically (a reader never sees half a file), readable by the owner only where the file
     * system allows it: a report names hosts, ports and code.
     */
    private static final AtomicLong WRITES = new AtomicLong();

    public static void write(Report report, Path file) throws IOException {
        String text = isHtml(file.toString()) ? HtmlPage.of(report) : JsonReport.render(report) + "\n";
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // A temporary file of its own for each write, so that two writers can never move each other's
        // (not Files.createTempFile: its SecureRandom would cost a short JVM's exit tens of milliseconds).
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcFiles.pid() + "-" + WRITES.incrementAndGet()
                + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        try {
            // getBytes, not writeString: a lone surrogate (a thread name cut in two) becomes '?' instead
            // of failing the whole write.
            Files.write(tmp, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
