package io.socketleak.agent.report;

import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.agent.kernel.TcpSettings;
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
        if (c.notStored() > 0) {
            out.append(String.format(Locale.ROOT,
                    "Not tracked, counted apart: %d opened while maxTracked was reached (about %d may still be open).%n",
                    c.notStored(), s.notStoredOpen()));
        }
        if (c.closedUnseen() > 0) {
            out.append(String.format(Locale.ROOT, "Not counted above: %d closes of sockets the agent did not see open "
                    + "(opened before tracking began%s).%n", c.closedUnseen(),
                    c.notStored() > 0 ? ", or while maxTracked was reached" : ""));
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
            frames(out, site.frames(), site.origin());
        }
        if (listed == 0) {
            out.append(" none\n");
        } else if (openElsewhere > 0) {
            out.append("  ... and ").append(openElsewhere).append(" more at ").append(listed - MAX_LISTED)
                    .append(" other call sites\n");
        }

        List<SocketsBeforeHooks.Socket> before = report.socketsBeforeHooks();
        if (before != null && !before.isEmpty()) {
            out.append('\n').append("Open since before tracking began (before an attach, or opened by another agent first; no stack): ")
                    .append(before.size()).append('\n');
            for (SocketsBeforeHooks.Socket socket : before.subList(0, Math.min(MAX_LISTED, before.size()))) {
                out.append(String.format(Locale.ROOT, "  %-24s -> %-24s %s%n", socket.local(), socket.remote(),
                        socket.state()));
            }
        }

        out.append('\n').append("Busiest call sites (all time):\n");
        s.callSites().stream()
                .sorted((a, b) -> Long.compare(b.opened(), a.opened()))
                .limit(10)
                .forEach(site -> out.append(String.format(Locale.ROOT,
                        "  %6d opened, %d active / %d passive / %d abortive closes, %d collected  %s%n",
                        site.opened(), site.activeCloses(), site.passiveCloses(), site.abortiveCloses(),
                        site.collected(), site.blame())));

        out.append('\n').append("Port budget by destination (ports in use = open + TIME_WAIT from closing first,"
                + " which holds a port for " + report.tcp().timeWaitSeconds() + " s):\n");
        if (s.destinations().isEmpty()) {
            out.append("  no outgoing connections\n");
        }
        for (int i = 0; i < Math.min(MAX_LISTED, s.destinations().size()); i++) {
            Snapshot.DestinationStats d = s.destinations().get(i);
            PortBudget b = report.budgets().get(i);
            out.append(String.format(Locale.ROOT, "  %-24s %5.1f%% of %d ports in use: %d (this JVM: %d open, %d TIME_WAIT%s)%s; "
                            + "%.1f active closes/s over the last %.0f s%s%n",
                    d.remote(), 100 * b.utilization(), b.capacity(), b.portsInUse(), d.open(), b.timeWaitHolding(),
                    b.twReuseApplies() ? " younger than " + b.holdSeconds() + " s" : "",
                    b.hostTimeWait() < 0 ? "" : "; host: " + b.hostTimeWait() + " TIME_WAIT",
                    b.activeClosesPerSecond(), b.rateWindowSeconds(),
                    b.secondsToExhaustion() == null ? "" : ", exhausted " + timeLeft(b.secondsToExhaustion())));
            if (b.twReuseApplies()) {
                out.append(String.format(Locale.ROOT, "  %-24s %d in TIME_WAIT in all: tcp_tw_reuse=%s applies to this "
                        + "destination, so a connect reuses a TIME_WAIT port once it is about %d s old%n", "",
                        d.timeWait(), report.tcp().twReuse(), b.holdSeconds()));
            }
            if (b.listeningInRange() > 0 || report.tcp().reservedPorts() > 0) {
                out.append(String.format(Locale.ROOT, "  %-24s %d ports: the range's %d, less %d reserved and %d "
                        + "listening inside it%n", "", b.capacity(), report.tcp().portRange().size(),
                        report.tcp().reservedPorts(), b.listeningInRange()));
            }
            out.append(String.format(Locale.ROOT, "  %-24s %d opened; closes: %d active, %d passive, %d abortive; "
                            + "%d collected%n", "", d.opened(), d.activeCloses(), d.passiveCloses(),
                    d.abortiveCloses(), d.collected()));
            for (Snapshot.SiteCount site : d.topCallSites()) {
                out.append(String.format(Locale.ROOT, "  %-24s %d active closes at %s%n", "", site.count(),
                        site.blame()));
            }
        }
        Snapshot.Exhaustions failures = s.exhaustions();
        if (failures.ports() + failures.fileDescriptors() > 0) {
            out.append(String.format(Locale.ROOT, "Refused by the kernel: %d for lack of ports, %d for lack of file "
                    + "descriptors; latest: %s%n", failures.ports(), failures.fileDescriptors(), failures.lastMessage()));
        }

        out.append('\n');
        if (report.fileDescriptors().max() > 0) {
            out.append(String.format(Locale.ROOT, "File descriptors: %d open of %d (%.1f%%)%n",
                    report.fileDescriptors().open(), report.fileDescriptors().max(),
                    100 * report.fileDescriptors().utilization()));
        }
        TcpSettings tcp = report.tcp();
        out.append(String.format(Locale.ROOT, "TCP: ephemeral ports %s (%d ports%s), TIME_WAIT %d s%s (%s)%n",
                tcp.portRange(), tcp.portRange().size(),
                tcp.reservedPorts() == 0 ? "" : ", " + tcp.reservedPorts() + " of them reserved",
                tcp.timeWaitSeconds(), tcp.twReuse() == null ? "" : ", tcp_tw_reuse=" + tcp.twReuse()
                        + reuseMeaning(tcp.twReuse()), tcp.source()));
        if (report.kernel() != null) {
            out.append(String.format(Locale.ROOT, "Kernel table: %d connections, read in %.1f ms, %.1f s ago%n",
                    report.kernel().connections(), report.kernel().scanMillis(), report.kernel().ageMillis() / 1000.0));
        }

        List<String> advice = advice(report);
        if (!advice.isEmpty()) {
            out.append('\n').append("What to do:\n");
            for (String line : advice) {
                out.append("  - ").append(line).append('\n');
            }
        }
        Report.Health health = report.health();
        long notCaptured = health.stacks().notCaptured();
        if (!health.missingHooks().isEmpty() || health.swallowedFailures() > 0 || notCaptured > 0
                || health.notCarried() > 0) {
            out.append('\n').append("Agent health:\n");
            for (String missing : health.missingHooks()) {
                out.append("  hook not installed: ").append(missing).append('\n');
            }
            if (health.swallowedFailures() > 0) {
                out.append("  ").append(health.swallowedFailures())
                        .append(" internal failures kept from the application; first: ")
                        .append(health.firstFailure()).append('\n');
            }
            if (notCaptured > 0) {
                out.append("  ").append(notCaptured)
                        .append(" sockets opened without a stack: the agent's thread fell behind new call sites\n");
            }
            if (health.notCarried() > 0) {
                out.append("  ").append(health.notCarried())
                        .append(" hand-offs not carried to the threads that ran them: too many in flight at once\n");
            }
        }
        return out.toString();
    }

    /**
     * The leaks a line each, at their blamed lines: what the agent logs at exit. Their stacks were
     * logged as each call site's first leak was found; printed again, a short run shows each leak thrice.
     */
    public static String renderLeakLines(Report report) {
        StringBuilder out = new StringBuilder(1024);
        out.append("LEAKS: ").append(report.leakCount() == 0 ? "none" : report.leakCount())
                .append(" (each call site's stack was logged with its first leak)\n");
        for (Leak leak : report.allLeaks()) {
            out.append("  ").append(leak.kind().jsonName()).append(", ")
                    .append(leak.count() == 1 ? "1 socket" : leak.count() + " sockets").append(" at ")
                    .append(leak.site().blame()).append('\n');
        }
        return out.toString();
    }

    private static void leaks(StringBuilder out, Report report) {
        out.append("LEAKS: ").append(report.leakCount() == 0 ? "none" : report.leakCount()).append('\n');
        for (Leak leak : report.allLeaks()) {
            out.append("  ").append(describe(leak)).append('\n');
            frames(out, leak.site().frames(), leak.site().origin());
        }
    }

    /** The live warning of a leak, the first one at its call site. */
    public static String leakWarning(Leak leak) {
        StringBuilder message = new StringBuilder("LEAK ");
        message.append(describe(leak)).append('\n');
        frames(message, leak.site().frames(), leak.site().origin());
        message.append("  (further leaks at this call site are counted in the summary and the report)");
        return message.toString();
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

    /** A call site's frames, after how its sockets came from the blamed line when another thread opened them. */
    static void frames(StringBuilder out, List<String> frames, String origin) {
        if (origin != null) {
            out.append("      (").append(origin).append(")\n");
        }
        for (String frame : frames) {
            out.append("      at ").append(frame).append('\n');
        }
    }

    /** What a tcp_tw_reuse value means for outgoing connects. */
    private static String reuseMeaning(int twReuse) {
        return switch (twReuse) {
            case 0 -> " (TIME_WAIT ports are not reused)";
            case 1 -> " (connects reuse TIME_WAIT ports)";
            case 2 -> " (connects to loopback reuse TIME_WAIT ports)";
            default -> "";
        };
    }

    /** Seconds left, as a person reads them: "in about 3 s", "in less than a second". */
    public static String timeLeft(double seconds) {
        return seconds < 1 ? "in less than a second" : String.format(Locale.ROOT, "in about %.0f s", seconds);
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

    /** Concrete advice for what this report shows: the text report's "What to do", the JSON's {@code advice}. */
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
        PortBudget busiest = null;
        for (PortBudget b : report.budgets()) {
            if (busiest == null || b.utilization() > busiest.utilization()) {
                busiest = b;
            }
        }
        boolean portTrouble = s.exhaustions().ports() > 0 || (busiest != null && busiest.utilization() >= 0.4);
        if (busiest != null && (portTrouble || busiest.activeClosesPerSecond() >= 1)) {
            String where = busiest.topCallSites().isEmpty() ? "" : " (mostly at " + busiest.topCallSites().get(0).blame()
                    + ")";
            String hold = busiest.twReuseApplies()
                    ? String.format(Locale.ROOT, "holds a local port in TIME_WAIT until a new connect reuses it, after "
                            + "about %d s (tcp_tw_reuse=%s)", busiest.holdSeconds(), report.tcp().twReuse())
                    : String.format(Locale.ROOT, "holds a local port in TIME_WAIT for %d s", busiest.holdSeconds());
            lines.add(String.format(Locale.ROOT, "This JVM closes connections to %s first, %.1f times a second%s: each "
                            + "such close %s, so the %d ports allow at most %.0f such connections a second. Reuse "
                            + "connections (HTTP keep-alive, a connection pool), and create HTTP clients once, not per "
                            + "request: a client per request cannot pool.",
                    busiest.remote(), busiest.activeClosesPerSecond(), where, hold, busiest.capacity(),
                    busiest.maxActiveClosesPerSecond()));
        }
        long abortive = s.counters().abortiveCloses();
        if (abortive >= 100 && abortive * 10 >= s.counters().closed()) {
            lines.add(abortive + " closes ended in a reset (RST). SO_LINGER 0 avoids TIME_WAIT, but the peer sees "
                    + "\"Connection reset\" and data still in flight is lost; closing with unread data does the "
                    + "same, so read responses to the end before closing.");
        }
        if (portTrouble) {
            Integer reuse = report.tcp().twReuse();
            if (reuse != null && reuse == 0) {
                lines.add("net.ipv4.tcp_tw_reuse is 0: setting it to 1 lets outgoing connects take over ports in "
                        + "TIME_WAIT after about a second (safe for clients; needs TCP timestamps, on by default).");
            } else if (reuse != null && reuse == 2 && busiest != null && !busiest.twReuseApplies()) {
                lines.add("net.ipv4.tcp_tw_reuse is 2, which applies to loopback only: 1 extends TIME_WAIT reuse to "
                        + "all outgoing connections.");
            }
            lines.add("Widening net.ipv4.ip_local_port_range (now " + report.tcp().portRange() + ") raises the ceiling; "
                    + "keep your servers' listening ports out of it or reserve them (ip_local_reserved_ports). "
                    + "Two myths: net.ipv4.tcp_fin_timeout does not shorten TIME_WAIT (it bounds FIN_WAIT_2; "
                    + "TIME_WAIT is a fixed 60 s on Linux), and tcp_tw_recycle no longer exists (removed in Linux 4.12).");
        }
        if (s.exhaustions().fileDescriptors() > 0 || report.fileDescriptors().utilization() >= 0.8) {
            lines.add("File descriptors are nearly or fully used (limit " + report.fileDescriptors().max() + "): "
                    + (collected || closeWait ? "the leaks above are the first suspects; " : "")
                    + "if the load is legitimate, raise the limit (ulimit -n, LimitNOFILE in systemd).");
        }
        return lines;
    }
}
