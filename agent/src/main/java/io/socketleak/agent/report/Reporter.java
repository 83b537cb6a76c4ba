package io.socketleak.agent.report;

import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.tcp.FileDescriptors;
import io.socketleak.agent.tcp.TcpSettings;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Tracker;
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

/** Builds reports from the tracker and the system, and writes them where the options say. */
public final class Reporter {
    private final Tracker tracker;
    private final Supplier<Report.Health> health;
    private final PortRange portRange;
    private final Duration timeWait;
    private final long pid = ProcessHandle.current().pid();

    public Reporter(Tracker tracker, Supplier<Report.Health> health, PortRange portRange, Duration timeWait) {
        this.tracker = tracker;
        this.health = health;
        this.portRange = portRange;
        this.timeWait = timeWait;
    }

    public Report report() {
        return build(List.of());
    }

    /** The exit report: sockets still open count as leaks too. */
    public Report exitReport() {
        return build(tracker.stillOpen());
    }

    private Report build(List<Leak> stillOpen) {
        return new Report(pid, Instant.now(), tracker.snapshot(), stillOpen, FileDescriptors.read(),
                TcpSettings.read(portRange, timeWait), health.get());
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
