package io.socketleak.agent.report;

import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.LeakKind;
import io.socketleak.agent.tracking.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report for people: leaks first, then where open sockets come from, then budgets and advice. */
public final class TextReport {
    /** Call sites and destinations listed in full; the rest are summed up in one line. */
    static final int MAX_LISTED = 20;

    private TextReport() {
    }

    public static String render(Report report) {
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();
        StringBuilder out = new StringBuilder(4096);
        out.append("Socket Leak Detector report, pid ").append(report.pid()).append(", ").append(report.time())
                .append('\n');
        out.append(String.format(Locale.ROOT,
                "Open sockets: %d (listening: %d). Since start: %d opened, %d closed (%d active, %d passive, "
                        + "%d abortive), %d collected without close().%n",
                s.openSockets(), s.listening(), c.opened(), c.closed(), c.activeCloses(), c.passiveCloses(),
                c.abortiveCloses(), c.collectedUnclosed()));
        if (s.notStoredOpen() > 0 || c.notStored() > 0) {
            out.append(String.format(Locale.ROOT,
                    "Not stored individually (maxTracked reached): %d opened, about %d still open.%n",
                    c.notStored(), s.notStoredOpen()));
        }

        out.append('\n');
        leaks(out, report);

        out.append('\n').append("Open sockets by call site:");
        int listed = 0;
        long openElsewhere = 0;
        for (Snapshot.CallSiteStats site : s.callSites()) {
            if (site.open() == 0) {
                continue;
            }
            if (listed++ >= MAX_LISTED) {
                openElsewhere += site.open();
                continue;
            }
            out.append(String.format(Locale.ROOT, "%n  %d open, oldest %s, to %s (%d opened here; closes: "
                            + "%d active, %d passive, %d abortive)%n",
                    site.open(), age(site.oldestOpenMillis()), String.join(", ", site.remotes()), site.opened(),
                    site.activeCloses(), site.passiveCloses(), site.abortiveCloses()));
            frames(out, site.frames());
        }
        if (listed == 0) {
            out.append(" none\n");
        } else if (openElsewhere > 0) {
            out.append("  ... and ").append(openElsewhere).append(" more at ").append(listed - MAX_LISTED)
                    .append(" other call sites\n");
        }

        out.append('\n').append("Busiest call sites (all time):\n");
        s.callSites().stream()
                .sorted((a, b) -> Long.compare(b.opened(), a.opened()))
                .limit(10)
                .forEach(site -> out.append(String.format(Locale.ROOT,
                        "  %6d opened, %d active / %d passive / %d abortive closes, %d collected  %s%n",
                        site.opened(), site.activeCloses(), site.passiveCloses(), site.abortiveCloses(),
                        site.collected(), site.blame())));

        out.append('\n').append("Destinations:\n");
        if (s.destinations().isEmpty()) {
            out.append("  none\n");
        }
        s.destinations().stream().limit(MAX_LISTED).forEach(d -> out.append(String.format(Locale.ROOT,
                "  %-24s %d open, %d opened, closes: %d active, %d passive, %d abortive; %d collected%n",
                d.remote(), d.open(), d.opened(), d.activeCloses(), d.passiveCloses(), d.abortiveCloses(),
                d.collected())));

        out.append('\n');
        if (report.fileDescriptors().max() > 0) {
            out.append(String.format(Locale.ROOT, "File descriptors: %d open of %d (%.1f%%)%n",
                    report.fileDescriptors().open(), report.fileDescriptors().max(),
                    100 * report.fileDescriptors().utilization()));
        }
        out.append(String.format(Locale.ROOT, "TCP: ephemeral ports %s (%d), TIME_WAIT %d s%s (%s)%n",
                report.tcp().portRange(), report.tcp().portRange().size(), report.tcp().timeWaitSeconds(),
                report.tcp().twReuse() == null ? "" : ", tcp_tw_reuse=" + report.tcp().twReuse(),
                report.tcp().source()));

        List<String> advice = advice(report);
        if (!advice.isEmpty()) {
            out.append('\n').append("What to do:\n");
            for (String line : advice) {
                out.append("  - ").append(line).append('\n');
            }
        }
        Report.Health health = report.health();
        if (!health.missingHooks().isEmpty() || health.swallowedFailures() > 0) {
            out.append('\n').append("Agent health:\n");
            for (String missing : health.missingHooks()) {
                out.append("  hook not installed: ").append(missing).append('\n');
            }
            if (health.swallowedFailures() > 0) {
                out.append("  ").append(health.swallowedFailures())
                        .append(" internal failures kept from the application; first: ")
                        .append(health.firstFailure()).append('\n');
            }
        }
        return out.toString();
    }

    /** Just the leaks, each with its stack: what the agent logs at exit. */
    public static String renderLeaks(Report report) {
        StringBuilder out = new StringBuilder(1024);
        leaks(out, report);
        return out.toString();
    }

    private static void leaks(StringBuilder out, Report report) {
        out.append("LEAKS: ").append(report.leakCount() == 0 ? "none" : report.leakCount()).append('\n');
        for (Leak leak : report.allLeaks()) {
            out.append("  ").append(describe(leak)).append('\n');
            frames(out, leak.site().frames());
        }
    }

    static String describe(Leak leak) {
        String what = switch (leak.kind()) {
            case COLLECTED -> "garbage-collected without close()";
            case CLOSE_WAIT -> "left open after the peer closed (CLOSE_WAIT)";
            case OPEN_AT_EXIT -> "still open at exit";
        };
        String count = leak.count() == 1 ? "1 socket" : leak.count() + " sockets";
        String age = leak.kind() == LeakKind.OPEN_AT_EXIT ? "open for " + age(leak.ageMillis())
                : "found " + age(leak.ageMillis()) + " after it was opened";
        return String.format(Locale.ROOT, "%s, %s: %s; latest to %s, %s on thread %s",
                leak.kind().jsonName(), count, what, leak.remote(), age, leak.thread());
    }

    static void frames(StringBuilder out, List<String> frames) {
        for (String frame : frames) {
            out.append("      at ").append(frame).append('\n');
        }
    }

    static String age(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 120_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%.1f min", millis / 60_000.0);
    }

    /** Concrete advice for what this report shows. */
    static List<String> advice(Report report) {
        Snapshot s = report.sockets();
        List<String> lines = new ArrayList<>();
        boolean collected = false;
        boolean closeWait = false;
        for (Leak leak : report.allLeaks()) {
            collected |= leak.kind() == LeakKind.COLLECTED;
            closeWait |= leak.kind() == LeakKind.CLOSE_WAIT;
        }
        if (collected) {
            lines.add("Sockets were dropped without close(): close them in try-with-resources or a finally block "
                    + "at the lines above (for HTTP clients: close the response or its body). A java.net.Socket "
                    + "is eventually closed by the JDK's cleaner, but a SocketChannel never is: its descriptor "
                    + "stays open until the process exits.");
        }
        if (closeWait) {
            lines.add("Peers closed connections that this side kept open (CLOSE_WAIT): when a read returns -1 "
                    + "(end of stream), close the socket; pooled clients need idle-connection eviction.");
        }
        long active = s.counters().activeCloses();
        if (active > 0 && active >= s.counters().closed() / 2 && s.counters().opened() > 1000) {
            lines.add("This JVM closes first most of the time (" + active + " active closes): each such "
                    + "connection holds its local port in TIME_WAIT for " + report.tcp().timeWaitSeconds()
                    + " s. Reuse connections (keep-alive, a connection pool) instead of one per request.");
        }
        return lines;
    }
}
