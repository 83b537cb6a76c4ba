package io.socketleak.html;

import java.util.List;
import java.util.Map;

/**
 * The HTML report: one self-contained page (styles and scripts inline, nothing fetched) drawn from
 * JSON reports as {@link io.socketleak.protocol.JsonReader} reads them. Its tables and charts are
 * plain HTML and SVG, so the page shows them with scripts off; a script only sorts the tables and
 * puts a cursor on the charts. Every string from a report is escaped, and a field that is missing,
 * null or of another type (an older agent's report) is left out, never a failure.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** One JVM's JSON report, and the name it is shown under (a test JVM's file name, a pid). */
    public record Run(String name, Map<String, Object> report) {
    }

    /** The page for these runs: the agent gives its own, the Maven plugin one per test JVM. */
    public static String render(String title, List<Run> runs) {
        StringBuilder html = new StringBuilder(32_768);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(Format.html(Page.POLICY)).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"generator\" content=\"Socket Leak Detector\">")
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<title>").append(Format.html(title)).append("</title>")
                .append("<script>").append(Page.WATCH_SCRIPT).append("</script>")
                .append("<style>").append(Page.STYLE).append("</style></head><body><main>")
                .append("<header><h1>").append(Format.html(title)).append("</h1>");
        if (runs.isEmpty()) {
            html.append("<p class=\"sub\">No report to show.</p></header>");
        } else if (runs.size() == 1) {
            String name = runs.get(0).name();
            if (name != null && !name.equals("pid " + report(runs.get(0)).get("pid"))) {
                html.append("<p class=\"sub\">").append(Format.html(name)).append("</p>"); // the meta line says the pid
            }
            html.append("</header>");
            RunSection.render(html, "run-1", null, report(runs.get(0)));
        } else {
            html.append("<p class=\"sub\">").append(Format.count(runs.size())).append(" JVMs</p></header>");
            summary(html, runs);
            for (int i = 0; i < runs.size(); i++) {
                RunSection.render(html, "run-" + (i + 1), runs.get(i).name(), report(runs.get(i)));
            }
        }
        html.append("<footer>Drawn by Socket Leak Detector from its JSON reports. One file: nothing in it is fetched,"
                + " and it reads the same with scripts off (they only sort the tables and put a cursor on the"
                + " charts).</footer></main><script>").append(Page.SCRIPT).append("</script></body></html>\n");
        return html.toString();
    }

    private static Map<String, Object> report(Run run) {
        return run.report() == null ? Map.of() : run.report();
    }

    /** The runs side by side, each linked to its section. */
    private static void summary(StringBuilder html, List<Run> runs) {
        long leaks = 0;
        int leaking = 0;
        Verdict.State state = Verdict.State.GOOD;
        for (Run run : runs) {
            Verdict verdict = Verdict.of(report(run));
            leaks += verdict.leaks();
            leaking += verdict.leaks() > 0 ? 1 : 0;
            // The worst run's colour: an amber run (open at exit, a filling budget) is not a green build.
            state = verdict.state() == Verdict.State.BAD || state == Verdict.State.BAD ? Verdict.State.BAD
                    : verdict.state() == Verdict.State.WARN ? Verdict.State.WARN : state;
        }
        html.append("<div class=\"verdict ").append(state.css).append("\" data-verdict=\"").append(state.css)
                .append("\"><p class=\"headline\"><span class=\"mark\" aria-hidden=\"true\">")
                .append(leaks > 0 ? "!" : "\u2713").append("</span>")
                .append(leaks == 0 ? "No socket leaks found in " + Format.count(runs.size()) + " JVMs"
                        : Verdict.plural(leaks, "socket leak", "socket leaks") + " found in "
                        + Verdict.plural(leaking, "JVM", "JVMs") + " of " + Format.count(runs.size()))
                .append("</p></div>");
        html.append("<div class=\"table-wrap\"><table class=\"sortable runs\"><thead><tr><th data-sort=\"text\">Run</th>"
                + "<th data-sort=\"text\">Verdict</th><th class=\"num\" data-sort=\"number\">Leaks</th>"
                + "<th class=\"num\" data-sort=\"number\">Open sockets</th>"
                + "<th class=\"num\" data-sort=\"number\">Worst port use</th></tr></thead><tbody>");
        for (int i = 0; i < runs.size(); i++) {
            Verdict v = Verdict.of(report(runs.get(i)));
            html.append("<tr><td><a href=\"#run-").append(i + 1).append("\">").append(Format.html(runs.get(i).name()))
                    .append("</a></td><td><span class=\"badge ").append(v.state().css).append("\">")
                    .append(Format.html(v.headline())).append("</span></td><td class=\"num\" data-value=\"").append(v.leaks())
                    .append("\">").append(Format.count(v.leaks())).append("</td><td class=\"num\" data-value=\"")
                    .append(v.openSockets()).append("\">").append(Format.count(v.openSockets())).append("</td>")
                    .append("<td class=\"num\"").append(v.worstPortUse() == null ? "" : " data-value=\"" + v.worstPortUse() + "\"")
                    .append('>').append(Format.percent(v.worstPortUse()));
            if (v.worstDestination() != null) {
                html.append(" <span class=\"muted\">to ").append(Format.html(v.worstDestination())).append("</span>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table></div>");
    }
}
