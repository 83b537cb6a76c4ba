package io.socketleak.html;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One run's part of the page, in the order people read it: the verdict, the leaks with their stacks,
 * open sockets by call site, ports and descriptors over time, the port budget by destination, the
 * TCP settings, the advice, and the agent's own health.
 */
final class RunSection {
    /** Rows past this are left out of a table (and the table says so): the page stays a page. */
    static final int MAX_ROWS = 500;

    private final StringBuilder html;
    private final String id;
    private final Map<String, Object> report;
    private final Verdict verdict;

    private RunSection(StringBuilder html, String id, Map<String, Object> report) {
        this.html = html;
        this.id = id;
        this.report = report;
        this.verdict = Verdict.of(report);
    }

    /** Appends the run's section; {@code name} is null when the page shows one run only (the title names it). */
    static void render(StringBuilder html, String id, String name, Map<String, Object> report) {
        new RunSection(html, id, report).render(name);
    }

    private void render(String name) {
        html.append("<section class=\"run\" id=\"").append(id).append("\">");
        if (name != null) {
            html.append("<h2>").append(Format.html(name)).append("</h2>");
        }
        meta();
        verdict();
        leaks();
        callSites();
        history();
        destinations();
        tcp();
        advice();
        health();
        html.append("</section>");
    }

    private void meta() {
        List<String> parts = new ArrayList<>();
        if (Fields.has(report, "pid")) {
            parts.add("pid " + Format.html(Fields.string(report, "pid")));
        }
        if (Fields.has(report, "time")) {
            parts.add((Fields.flag(report, "atExit") ? "written at the JVM's exit, " : "written while it ran, ")
                    + Format.html(Format.time(Fields.string(report, "time"))));
        }
        if (!parts.isEmpty()) {
            html.append("<p class=\"sub\">").append(String.join(" \u00b7 ", parts)).append("</p>");
        }
        html.append("<nav class=\"toc\">");
        for (String[] link : new String[][] {{"leaks", "Leaks"}, {"sites", "Open sockets"}, {"history", "Over time"},
            {"destinations", "Port budget"}, {"tcp", "TCP settings"}, {"advice", "Advice"}, {"health", "Agent health"}}) {
            html.append("<a href=\"#").append(id).append('-').append(link[0]).append("\">").append(link[1]).append("</a>");
        }
        html.append("</nav>");
    }

    private void verdict() {
        String mark = switch (verdict.state()) {
            case BAD -> "!";
            case WARN -> "!";
            case GOOD -> "\u2713";
        };
        html.append("<div class=\"verdict ").append(verdict.state().css).append("\" data-verdict=\"")
                .append(verdict.state().css).append("\"><p class=\"headline\"><span class=\"mark\" aria-hidden=\"true\">")
                .append(mark).append("</span>").append(Format.html(verdict.headline())).append("</p>");
        if (!verdict.findings().isEmpty()) {
            html.append("<ul class=\"findings\">");
            for (String finding : verdict.findings()) {
                html.append("<li>").append(Format.html(finding)).append("</li>");
            }
            html.append("</ul>");
        }
        Map<String, Object> counters = Fields.map(report, "counters");
        html.append("<div class=\"stats\">");
        stat(Format.count(Fields.number(report, "openSockets")), "open sockets"
                + (Fields.has(report, "listening") ? ", " + Format.count(Fields.number(report, "listening")) + " listening" : ""));
        stat(Format.count(Fields.number(counters, "opened")), "opened");
        stat(Format.count(Fields.number(counters, "closed")), "closed: " + Format.count(Fields.number(counters, "activeCloses"))
                + " active, " + Format.count(Fields.number(counters, "passiveCloses")) + " passive, "
                + Format.count(Fields.number(counters, "abortiveCloses")) + " abortive");
        stat(Format.count(Fields.number(counters, "collectedUnclosed")), "collected without close()");
        if (Fields.has(counters, "closeWaitLeaks")) {
            stat(Format.count(Fields.number(counters, "closeWaitLeaks")), "left in CLOSE_WAIT");
        }
        stat(Format.percent(verdict.worstPortUse()), verdict.worstDestination() == null ? "worst port use"
                : "worst port use, to " + Format.html(verdict.worstDestination()));
        Map<String, Object> fds = Fields.map(report, "fileDescriptors");
        if (fds != null) {
            stat(Format.count(Fields.number(fds, "open")), "file descriptors open"
                    + (Fields.positive(fds, "max", 0) > 0 ? " of " + Format.count((long) Fields.positive(fds, "max", 0)) : ""));
        }
        html.append("</div></div>");
    }

    private void stat(String value, String label) {
        html.append("<div class=\"stat\"><b>").append(value).append("</b><span>").append(label).append("</span></div>");
    }

    private void heading(String anchor, String title) {
        html.append("<h3 id=\"").append(id).append('-').append(anchor).append("\">").append(title).append("</h3>");
    }

    private void leaks() {
        List<Map<String, Object>> leaks = Fields.maps(report, "leaks");
        heading("leaks", "Leaks");
        if (leaks.isEmpty()) {
            html.append("<p class=\"muted\">None: every socket that was dropped had been closed first.</p>");
        }
        entries(leaks, "leaks");
        List<Map<String, Object>> openAtExit = Fields.maps(report, "openAtExit");
        if (!openAtExit.isEmpty() && leaks.stream().noneMatch(l -> "openAtExit".equals(Fields.string(l, "kind")))) {
            html.append("<p class=\"muted\">Still open as the JVM exited (a leak for the Maven plugin's check;"
                    + " for the agent, only with failOnLeak):</p>");
            entries(openAtExit, "sockets open at exit");
        }
    }

    /**
     * Leak entries, one fold-out each; bounded like the tables, since the agent draws this page in the
     * application's heap at each interval.
     */
    private void entries(List<Map<String, Object>> leaks, String what) {
        for (Map<String, Object> leak : leaks.subList(0, Math.min(MAX_ROWS, leaks.size()))) {
            entry(leak);
        }
        leftOut(leaks.size(), what);
    }

    private void entry(Map<String, Object> leak) {
        String kind = Fields.string(leak, "kind");
        long count = Math.max(1, Fields.count(leak, "count", 1));
        List<String> frames = Fields.strings(leak, "frames");
        String blame = Fields.string(leak, "blame");
        if (blame == null && !frames.isEmpty()) {
            blame = frames.get(0);
        }
        html.append("<details class=\"leak\" data-kind=\"").append(Format.html(kind)).append("\"><summary>")
                .append("<span class=\"badge\">").append(Format.html(kind == null ? "leak" : kind)).append("</span>")
                .append("<span class=\"badge\">").append(Format.html(Verdict.plural(count, "socket", "sockets")))
                .append("</span>")
                .append("<span class=\"blame-line\">").append(Format.html(blame == null ? "(no stack)" : blame))
                .append("</span><span class=\"where\">").append(Format.html(describe(kind)));
        List<String> where = new ArrayList<>();
        if (Fields.has(leak, "remote")) {
            where.add((count > 1 ? "latest to " : "to ") + Fields.string(leak, "remote"));
        }
        if (Fields.has(leak, "ageMillis")) {
            where.add("found " + Format.millis(Fields.number(leak, "ageMillis")) + " after it was opened");
        }
        if (Fields.has(leak, "thread")) {
            where.add("on thread " + Fields.string(leak, "thread"));
        }
        if (!where.isEmpty()) {
            html.append("; ").append(Format.html(String.join(", ", where)));
        }
        html.append("</span></summary><div class=\"body\">");
        origin(leak);
        frames(frames, blame);
        html.append("</div></details>");
    }

    private static String describe(String kind) {
        return switch (String.valueOf(kind)) {
            case "collected" -> "garbage-collected without close()";
            case "closeWait" -> "left open after the peer closed (CLOSE_WAIT)";
            case "openAtExit" -> "still open at exit";
            default -> "a leak";
        };
    }

    /** How the blamed line was found, when it is not simply the thread's own stack. */
    private void origin(Map<String, Object> site) {
        String origin = Fields.string(site, "origin");
        if (origin != null) {
            html.append("<p class=\"origin\">").append(Format.html(origin)).append("</p>");
        }
        if (Fields.has(site, "applicationLine") && !Fields.flag(site, "applicationLine")) {
            html.append("<p class=\"origin muted\">No frame of the application's own code was found: the line shown"
                    + " is the first outside the JDK and the libraries the agent knows.</p>");
        }
    }

    private void frames(List<String> frames, String blame) {
        if (frames.isEmpty()) {
            return;
        }
        html.append("<ol class=\"frames\">");
        boolean marked = false;
        for (String frame : frames) {
            boolean isBlame = !marked && frame.equals(blame);
            marked |= isBlame;
            html.append(isBlame ? "<li class=\"blame\">" : "<li>").append(Format.html(frame)).append("</li>");
        }
        html.append("</ol>");
    }

    private void callSites() {
        List<Map<String, Object>> sites = new ArrayList<>(Fields.maps(report, "callSites"));
        sites.sort(Comparator.<Map<String, Object>>comparingLong(s -> -Fields.count(s, "open", 0))
                .thenComparingLong(s -> -Fields.count(s, "opened", 0)));
        heading("sites", "Open sockets by call site");
        if (sites.isEmpty()) {
            html.append("<p class=\"muted\">No call site recorded.</p>");
            return;
        }
        html.append("<p class=\"muted\">Every stack that opened a socket, those with sockets open now first."
                + " Click a column to sort.</p>");
        html.append("<div class=\"key\"><span><i class=\"k-active\"></i>active close</span>"
                + "<span><i class=\"k-passive\"></i>passive close</span><span><i class=\"k-abortive\"></i>abortive close</span>"
                + "<span><i class=\"k-collected\"></i>collected without close()</span>"
                + "<span><i class=\"k-closeWait\"></i>CLOSE_WAIT leak</span></div>");
        html.append("<div class=\"table-wrap\"><table class=\"sortable sites\"><thead><tr>"
                + "<th data-sort=\"text\">Call site</th><th class=\"num\" data-sort=\"number\">Open</th>"
                + "<th class=\"num\" data-sort=\"number\">Opened</th><th class=\"num\" data-sort=\"number\">Oldest open</th>"
                + "<th class=\"num\" data-sort=\"number\">Active</th><th class=\"num\" data-sort=\"number\">Passive</th>"
                + "<th class=\"num\" data-sort=\"number\">Abortive</th><th class=\"num\" data-sort=\"number\">Collected</th>"
                + "<th class=\"num\" data-sort=\"number\">CLOSE_WAIT</th><th>How they ended</th></tr></thead><tbody>");
        for (Map<String, Object> site : sites.subList(0, Math.min(MAX_ROWS, sites.size()))) {
            List<String> frames = Fields.strings(site, "frames");
            String blame = Fields.string(site, "blame");
            if (blame == null && !frames.isEmpty()) {
                blame = frames.get(0);
            }
            html.append("<tr><td class=\"site\" data-value=\"").append(Format.html(blame)).append("\"><code>")
                    .append(Format.html(blame == null ? "(no stack)" : blame)).append("</code>");
            List<String> remotes = Fields.strings(site, "remotes");
            if (!remotes.isEmpty()) {
                html.append("<div class=\"remotes\">to ").append(Format.html(String.join(", ", remotes))).append("</div>");
            }
            if (!frames.isEmpty() || Fields.has(site, "origin")) {
                html.append("<details><summary>stack, ").append(Verdict.plural(frames.size(), "frame", "frames"))
                        .append("</summary>");
                origin(site);
                frames(frames, blame);
                html.append("</details>");
            }
            html.append("</td>");
            numberCell(Fields.number(site, "open"), Format.count(Fields.number(site, "open")));
            numberCell(Fields.number(site, "opened"), Format.count(Fields.number(site, "opened")));
            Double oldest = Fields.count(site, "open", 0) > 0 ? Fields.number(site, "oldestOpenMillis") : null;
            numberCell(oldest, Format.millis(oldest));
            String[] kinds = {"activeCloses", "passiveCloses", "abortiveCloses", "collected", "closeWait"};
            double total = 0;
            for (String kind : kinds) {
                Double n = Fields.number(site, kind);
                numberCell(n, Format.count(n));
                total += n == null ? 0 : n;
            }
            html.append("<td>");
            if (total > 0) {
                html.append("<span class=\"bar\" title=\"").append(Format.html(endings(site))).append("\">");
                String[] css = {"k-active", "k-passive", "k-abortive", "k-collected", "k-closeWait"};
                for (int k = 0; k < kinds.length; k++) {
                    Double n = Fields.number(site, kinds[k]);
                    if (n != null && n > 0) {
                        html.append("<span class=\"").append(css[k]).append("\" style=\"width:")
                                .append(Format.coordinate(n / total * 100)).append("%\"></span>");
                    }
                }
                html.append("</span>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table></div>");
        leftOut(sites.size(), "call sites");
    }

    private static String endings(Map<String, Object> site) {
        return Format.count(Fields.number(site, "activeCloses")) + " active, "
                + Format.count(Fields.number(site, "passiveCloses")) + " passive, "
                + Format.count(Fields.number(site, "abortiveCloses")) + " abortive, "
                + Format.count(Fields.number(site, "collected")) + " collected, "
                + Format.count(Fields.number(site, "closeWait")) + " CLOSE_WAIT";
    }

    private void leftOut(int size, String what) {
        if (size > MAX_ROWS) {
            html.append("<p class=\"muted\">").append(Format.count(size - MAX_ROWS)).append(" more ").append(what)
                    .append(" are in the JSON report.</p>");
        }
    }

    private void numberCell(Double value, String text) {
        html.append("<td class=\"num\"");
        if (value != null) {
            html.append(" data-value=\"").append(Format.coordinate(value)).append('"');
        }
        html.append('>').append(text).append("</td>");
    }

    private void history() {
        Map<String, Object> history = Fields.map(report, "history");
        heading("history", "Ports in use over time");
        if (history == null) {
            html.append("<p class=\"muted\">This report has no history (an agent older than the history's).</p>");
            return;
        }
        double step = Fields.positive(history, "stepSeconds", 1);
        double warnAt = verdict.warnAt();
        List<Map<String, Object>> destinations = Fields.maps(history, "destinations");
        if (destinations.isEmpty()) {
            html.append("<p class=\"muted\">No destination was connected to in the window.</p>");
        }
        for (Map<String, Object> destination : destinations) {
            String remote = Fields.string(destination, "remote");
            double capacity = Fields.positive(destination, "portCapacity", 0);
            double warning = Math.ceil(warnAt * capacity);
            double[] open = Fields.numbers(destination, "open");
            double[] timeWait = Fields.numbers(destination, "timeWait");
            Instant start = Format.instant(Fields.string(destination, "start"));
            html.append("<figure class=\"chart-box\" data-destination=\"").append(Format.html(remote))
                    .append("\"><figcaption>Ports in use to <code>").append(Format.html(remote)).append("</code> ");
            caption(open, timeWait);
            html.append("</figcaption>");
            html.append(Chart.render("Ports in use to " + remote + " over time, of " + Format.count((long) capacity),
                    start, step, List.of(new Chart.Series("open", "open", open),
                            new Chart.Series("timeWait", "TIME_WAIT", timeWait)),
                    capacity, warning, "ports"));
            html.append("<div class=\"key\"><span><i class=\"sw-open\"></i>open connections</span>"
                    + "<span><i class=\"sw-timeWait\"></i>TIME_WAIT holding a port</span>"
                    + "<span><i class=\"sw-warning\"></i>warning line (warnAt ").append(Format.percent(warnAt))
                    .append(")</span><span><i class=\"sw-capacity\"></i>capacity: the ephemeral ports for it</span></div>");
            html.append("</figure>");
        }
        Map<String, Object> fds = Fields.map(history, "fileDescriptors");
        if (fds != null) {
            double max = Fields.positive(fds, "max", 0);
            double[] open = Fields.numbers(fds, "open");
            html.append("<figure class=\"chart-box\" data-chart=\"descriptors\"><figcaption>File descriptors in use ");
            caption(open, null);
            html.append("</figcaption>");
            html.append(Chart.render("File descriptors open over time, of " + Format.count((long) max),
                    Format.instant(Fields.string(fds, "start")), step,
                    List.of(new Chart.Series("descriptors", "descriptors", open)), max, Math.ceil(warnAt * max),
                    "descriptors"));
            html.append("<div class=\"key\"><span><i class=\"sw-descriptors\"></i>open file descriptors (all of the"
                    + " process's)</span><span><i class=\"sw-warning\"></i>warning line</span>"
                    + "<span><i class=\"sw-capacity\"></i>the limit (ulimit -n)</span></div></figure>");
        }
    }

    private void caption(double[] first, double[] second) {
        int n = second == null ? first.length : Math.min(first.length, second.length);
        if (n == 0) {
            return;
        }
        double peak = 0;
        for (int i = 0; i < n; i++) {
            peak = Math.max(peak, first[i] + (second == null ? 0 : second[i]));
        }
        double now = first[n - 1] + (second == null ? 0 : second[n - 1]);
        html.append("<span class=\"muted\">latest ").append(Format.count(now)).append(", peak ").append(Format.count(peak))
                .append(", over ").append(Verdict.plural(n, "sample", "samples")).append("</span>");
    }

    private void destinations() {
        List<Map<String, Object>> destinations = Fields.maps(report, "destinations");
        heading("destinations", "Port budget by destination");
        if (destinations.isEmpty()) {
            html.append("<p class=\"muted\">No destination.</p>");
        } else {
            html.append("<p class=\"muted\">Ports in use are the open connections plus the TIME_WAIT that holds a"
                    + " local port (this side closed first).</p>");
            html.append("<div class=\"table-wrap\"><table class=\"sortable destinations\"><thead><tr>"
                    + "<th data-sort=\"text\">Destination</th><th class=\"num\" data-sort=\"number\">Ports in use</th>"
                    + "<th class=\"num\" data-sort=\"number\">Capacity</th><th class=\"num\" data-sort=\"number\">Use</th>"
                    + "<th class=\"num\" data-sort=\"number\">Active closes/s</th>"
                    + "<th class=\"num\" data-sort=\"number\">Time to exhaustion</th><th>Top call sites (active closes)</th>"
                    + "</tr></thead><tbody>");
            for (Map<String, Object> d : destinations.subList(0, Math.min(MAX_ROWS, destinations.size()))) {
                html.append("<tr><td class=\"nowrap\"><code>").append(Format.html(Fields.string(d, "remote"))).append("</code></td>");
                Double inUse = Verdict.portsInUse(d);
                numberCell(inUse, Format.count(inUse));
                numberCell(Fields.number(d, "portCapacity"), Format.count(Fields.number(d, "portCapacity")));
                Double use = Verdict.utilization(d);
                html.append("<td class=\"num\"").append(use == null ? "" : " data-value=\"" + use + "\"").append('>')
                        .append(Format.percent(use));
                if (use != null) {
                    html.append(" <span class=\"bar\"><span class=\"k-use").append(use >= verdict.warnAt() ? " over" : "")
                            .append("\" style=\"width:").append(Format.coordinate(Math.min(1, use) * 100))
                            .append("%\"></span></span>");
                }
                html.append("</td>");
                Double rate = Fields.number(d, "activeClosesPerSecond");
                numberCell(rate, Format.rate(rate));
                Double left = Fields.number(d, "secondsToExhaustion");
                if (left == null && Fields.has(d, "activeClosesPerSecond")) {
                    html.append("<td class=\"num\" data-value=\"Infinity\">never at this rate</td>");
                } else {
                    numberCell(left, left == null ? Format.NONE : Format.duration(left));
                }
                html.append("<td>");
                for (Map<String, Object> site : Fields.maps(d, "topCallSites")) {
                    html.append("<div><code>").append(Format.html(Fields.string(site, "blame"))).append("</code> <span class=\"muted\">\u00d7 ")
                            .append(Format.count(Fields.number(site, "activeCloses"))).append("</span></div>");
                }
                html.append("</td></tr>");
            }
            html.append("</tbody></table></div>");
            leftOut(destinations.size(), "destinations");
        }
        Map<String, Object> fds = Fields.map(report, "fileDescriptors");
        if (fds != null) {
            html.append("<p>File descriptors: ").append(Format.count(Fields.number(fds, "open"))).append(" open");
            if (Fields.positive(fds, "max", 0) > 0) {
                html.append(" of ").append(Format.count((long) Fields.positive(fds, "max", 0))).append(" (")
                        .append(Format.percent(Fields.number(fds, "utilization"))).append(')');
            }
            html.append(".</p>");
        }
    }

    private void tcp() {
        heading("tcp", "TCP settings");
        Map<String, Object> tcp = Fields.map(report, "tcp");
        Map<String, Object> kernel = Fields.map(report, "kernel");
        html.append("<dl class=\"settings\">");
        if (tcp != null) {
            setting("Ephemeral ports", Fields.string(tcp, "portRange"));
            setting("Reserved ports", Format.count(Fields.number(tcp, "reservedPorts")));
            setting("TIME_WAIT", Fields.has(tcp, "timeWaitSeconds") ? Format.duration(Fields.positive(tcp, "timeWaitSeconds", 0))
                    : Format.NONE);
            setting("tcp_tw_reuse", Fields.has(tcp, "twReuse") ? Fields.string(tcp, "twReuse") : "unknown (not Linux)");
            setting("Read from", Fields.string(tcp, "source"));
        }
        if (kernel != null) {
            setting("Kernel's connection table", Format.count(Fields.number(kernel, "connections")) + " connections, read in "
                    + Format.millis(Fields.number(kernel, "scanMillis")) + ", " + Format.millis(Fields.number(kernel, "ageMillis"))
                    + " before this report");
        } else if (Fields.has(report, "tcp")) {
            setting("Kernel's connection table", "not readable here");
        }
        html.append("</dl>");
        List<Map<String, Object>> before = Fields.maps(report, "openedBeforeAttach");
        if (!before.isEmpty()) {
            html.append("<p>Sockets open since before tracking began (").append(Format.count(Fields.number(report,
                    "openedBeforeAttachCount"))).append(" in all):</p><div class=\"table-wrap\"><table><thead><tr>"
                    + "<th>Local</th><th>Remote</th><th>State</th></tr></thead><tbody>");
            for (Map<String, Object> socket : before) {
                html.append("<tr><td><code>").append(Format.html(Fields.string(socket, "local"))).append("</code></td><td><code>")
                        .append(Format.html(Fields.string(socket, "remote"))).append("</code></td><td>")
                        .append(Format.html(Fields.string(socket, "state"))).append("</td></tr>");
            }
            html.append("</tbody></table></div>");
        }
    }

    private void setting(String name, String value) {
        html.append("<dt>").append(Format.html(name)).append("</dt><dd>").append(Format.html(value == null ? Format.NONE : value))
                .append("</dd>");
    }

    private void advice() {
        heading("advice", "What to do");
        if (!Fields.has(report, "advice")) {
            html.append("<p class=\"muted\">This report carries no advice (an agent older than the advice's).</p>");
            return;
        }
        List<String> advice = Fields.strings(report, "advice");
        if (advice.isEmpty()) {
            html.append("<p class=\"muted\">Nothing to advise.</p>");
            return;
        }
        html.append("<ul class=\"advice\">");
        for (String line : advice) {
            html.append("<li>").append(Format.html(line)).append("</li>");
        }
        html.append("</ul>");
    }

    private void health() {
        heading("health", "Agent health");
        Map<String, Object> agent = Fields.map(report, "agent");
        if (agent == null) {
            html.append("<p class=\"muted\">Not in this report.</p>");
            return;
        }
        List<String> missing = Fields.strings(agent, "missingHooks");
        html.append("<dl class=\"settings\">");
        html.append("<dt>Hooks</dt><dd>");
        if (missing.isEmpty()) {
            html.append("<span class=\"badge good\">all installed</span>");
        } else {
            html.append("<span class=\"badge\">").append(Verdict.plural(missing.size(), "missing", "missing"))
                    .append("</span><ul>");
            for (String hook : missing) {
                html.append("<li><code>").append(Format.html(hook)).append("</code></li>");
            }
            html.append("</ul>");
        }
        html.append("</dd>");
        long swallowed = Fields.count(agent, "swallowedFailures", 0);
        html.append("<dt>Failures kept from the application</dt><dd>")
                .append(swallowed == 0 ? "<span class=\"badge good\">0</span>" : "<span class=\"badge\">" + Format.count(swallowed)
                        + "</span> please report it");
        if (Fields.has(agent, "firstFailure")) {
            html.append("<div><code>").append(Format.html(Fields.string(agent, "firstFailure"))).append("</code></div>");
        }
        html.append("</dd>");
        Map<String, Object> stacks = Fields.map(agent, "stacks");
        if (stacks != null) {
            long notCaptured = Fields.count(stacks, "notCaptured", 0);
            html.append("<dt>Stacks</dt><dd>").append(Format.count(Fields.number(stacks, "resolved"))).append(" resolved, ")
                    .append(Format.count(Fields.number(stacks, "recognized"))).append(" recognized, ")
                    .append(notCaptured > 0 ? "<span class=\"badge warn\">" : "").append(Format.count(notCaptured))
                    .append(" not captured").append(notCaptured > 0 ? "</span> (the agent was behind)" : "").append("</dd>");
        }
        if (Fields.has(agent, "handOffsNotCarried")) {
            html.append("<dt>Hand-offs not carried</dt><dd>").append(Format.count(Fields.number(agent, "handOffsNotCarried")))
                    .append("</dd>");
        }
        Map<String, Object> counters = Fields.map(report, "counters");
        if (counters != null && Fields.has(counters, "notStored")) {
            html.append("<dt>Not tracked</dt><dd>").append(Format.count(Fields.number(counters, "notStored")))
                    .append(" opened past maxTracked, ").append(Format.count(Fields.number(counters, "closedUnseen")))
                    .append(" closes of sockets not seen open, ").append(Format.count(Fields.number(counters, "excluded")))
                    .append(" excluded</dd>");
        }
        html.append("</dl>");
        List<String> onFirstLoad = Fields.strings(agent, "hooksOnFirstLoad");
        if (!onFirstLoad.isEmpty()) {
            html.append("<details><summary>Hooks installed as their classes load (")
                    .append(Format.count(onFirstLoad.size())).append(")</summary><ul>");
            for (String hook : onFirstLoad) {
                html.append("<li><code>").append(Format.html(hook)).append("</code></li>");
            }
            html.append("</ul></details>");
        }
    }
}
