package io.socketleak.agent.report;

import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.tcp.FileDescriptors;
import io.socketleak.agent.tcp.KernelTcpTable;
import io.socketleak.agent.tcp.PortBudget;
import io.socketleak.agent.tcp.ProcFiles;
import io.socketleak.agent.tcp.SocketsBeforeHooks;
import io.socketleak.agent.tcp.TcpSettings;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds reports from the tracker and the system, and writes them where the options say.
 *
 * <p>System readings (TCP settings, the kernel's table, descriptor counts) are kept from their last
 * refresh, so that a report can be made when the process has no descriptor left to read them again.
 */
public final class Reporter {
    private final Snapshots snapshots;
    private final Supplier<Report.Health> health;
    private final PortRange portRange;
    private final Duration timeWait;
    private final long pid = ownPid();
    private volatile TcpSettings tcp;
    private volatile KernelTcpTable.View kernel;
    private volatile FileDescriptors fileDescriptors = new FileDescriptors(-1, -1);
    private volatile List<SocketsBeforeHooks.Socket> beforeHooks;

    /**
     * @param tcp       the TCP settings as read at start; refreshed later with the same overrides
     * @param portRange the {@code portRange=} override, or null
     * @param timeWait  the {@code timeWait=} override, or null
     */
    public Reporter(Snapshots snapshots, Supplier<Report.Health> health, TcpSettings tcp, PortRange portRange,
                    Duration timeWait) {
        this.snapshots = snapshots;
        this.health = health;
        this.tcp = tcp;
        this.portRange = portRange;
        this.timeWait = timeWait;
    }

    /**
     * This process's id: on Linux the name of {@code /proc/self}; elsewhere from {@code ProcessHandle},
     * whose first use starts the JDK's process machinery (milliseconds of every start-up, for a number).
     */
    private static long ownPid() {
        long pid = ProcFiles.ownPid();
        return pid >= 0 ? pid : ProcessHandle.current().pid();
    }

    /** The sockets open before the hooks went in (after an attach, say), to list until they close. */
    public void socketsBeforeHooks(List<SocketsBeforeHooks.Socket> sockets) {
        beforeHooks = sockets;
    }

    public void refreshTcpSettings() {
        tcp = TcpSettings.read(portRange, timeWait);
    }

    public TcpSettings tcpSettings() {
        return tcp;
    }

    public void kernelView(KernelTcpTable.View view) {
        kernel = view;
    }

    public KernelTcpTable.View kernelView() {
        return kernel;
    }

    /** Reads the descriptor counts, keeping the last good reading when the read itself fails. */
    public FileDescriptors readFileDescriptors() {
        FileDescriptors now = FileDescriptors.read();
        if (now.open() >= 0) {
            fileDescriptors = now;
        }
        return fileDescriptors;
    }

    /** A report that opens no file: for the moment the process has run out of descriptors. */
    public Report reportFromMemory() {
        return build(List.of(), fileDescriptors, beforeHooks);
    }

    public Report report() {
        return build(List.of(), readFileDescriptors(), refreshBeforeAttach());
    }

    /** The exit report: sockets still open count as leaks too. */
    public Report exitReport() {
        return build(snapshots.stillOpen(), readFileDescriptors(), refreshBeforeAttach());
    }

    private List<SocketsBeforeHooks.Socket> refreshBeforeAttach() {
        List<SocketsBeforeHooks.Socket> before = beforeHooks;
        if (before != null && !before.isEmpty()) {
            before = SocketsBeforeHooks.stillOpen(before);
            beforeHooks = before;
        }
        return before;
    }

    private Report build(List<Leak> stillOpen, FileDescriptors fds, List<SocketsBeforeHooks.Socket> before) {
        Snapshot snapshot = snapshots.snapshot();
        TcpSettings settings = tcp;
        KernelTcpTable.View view = kernel;
        List<PortBudget> budgets = new java.util.ArrayList<>(snapshot.destinations().size());
        for (Snapshot.DestinationStats d : snapshot.destinations()) {
            budgets.add(PortBudget.of(d, settings, view, java.util.Set.of()));
        }
        Report.KernelReading reading = view == null ? null : new Report.KernelReading(view.lines(),
                view.scanNanos() / 1e6, System.currentTimeMillis() - view.takenAtMillis());
        return new Report(pid, Instant.now(), snapshot, stillOpen, budgets, fds, settings, reading, before,
                health.get());
    }

    /**
     * Writes the JSON report atomically (a reader never sees half a file), readable by the owner only
     * where the file system allows it: a report names hosts, ports and code.
     */
    public static void writeJson(Report report, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, JsonReport.render(report) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
