package io.socketleak.agent.report;

import io.socketleak.agent.tracking.Snapshot;

/** The periodic one-line summary. */
public final class SummaryLine {
    private SummaryLine() {
    }

    public static String render(Report report) {
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();
        StringBuilder line = new StringBuilder(256);
        // Appended by hand: String.format would load the JDK's locale data, in every short-lived JVM.
        line.append("open=").append(s.openSockets()).append(" listening=").append(s.listening())
                .append(" opened=").append(c.opened()).append(" closed=").append(c.closed())
                .append(" (active=").append(c.activeCloses()).append(" passive=").append(c.passiveCloses())
                .append(" abortive=").append(c.abortiveCloses()).append(") leaks=").append(report.leakCount())
                .append(" (collected=").append(c.collectedUnclosed()).append(" closeWait=").append(c.closeWaitLeaks());
        // The exit report with failOnLeak counts the sockets still open as leaks: the line says so too.
        long openAtExit = report.leakCount() - s.leakCount();
        if (openAtExit > 0) {
            line.append(" openAtExit=").append(openAtExit);
        }
        line.append(')');
        if (c.notStored() > 0) {
            line.append(" notTracked=").append(c.notStored());
        }
        if (c.closedUnseen() > 0) {
            line.append(" closedUnseen=").append(c.closedUnseen());
        }
        if (report.fileDescriptors().max() > 0) {
            line.append(" fds=").append(report.fileDescriptors().open()).append('/')
                    .append(report.fileDescriptors().max());
        }
        for (Snapshot.CallSiteStats site : s.callSites()) {
            if (site.open() > 0) {
                line.append(" most-open=").append(site.blame()).append(" x").append(site.open());
                break;
            }
        }
        return line.toString();
    }
}
