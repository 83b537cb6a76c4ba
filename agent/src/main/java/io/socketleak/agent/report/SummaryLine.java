package io.socketleak.agent.report;

import io.socketleak.agent.tracking.Snapshot;
import java.util.Locale;

/** The periodic one-line summary. */
public final class SummaryLine {
    private SummaryLine() {
    }

    public static String render(Report report) {
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();
        StringBuilder line = new StringBuilder(256);
        line.append(String.format(Locale.ROOT,
                "open=%d listening=%d opened=%d closed=%d (active=%d passive=%d abortive=%d) leaks=%d "
                        + "(collected=%d closeWait=%d)",
                s.openSockets(), s.listening(), c.opened(), c.closed(), c.activeCloses(), c.passiveCloses(),
                c.abortiveCloses(), s.leakCount(), c.collectedUnclosed(), c.closeWaitLeaks()));
        if (report.fileDescriptors().max() > 0) {
            line.append(" fds=").append(report.fileDescriptors().open()).append('/')
                    .append(report.fileDescriptors().max());
        }
        s.callSites().stream().filter(site -> site.open() > 0).findFirst()
                .ifPresent(top -> line.append(" most-open=").append(top.blame()).append(" x").append(top.open()));
        return line.toString();
    }
}
