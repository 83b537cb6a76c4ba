package io.socketleak.agent.report;

import io.socketleak.html.HtmlReport;
import io.socketleak.protocol.JsonReader;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of one JVM: the page the html-report module draws from the JSON report, read back
 * by the one reader of that format, so that the page shows what the JSON says and nothing else.
 */
public final class HtmlPage {
    private HtmlPage() {
    }

    public static String of(Report report) {
        return of(JsonReport.render(report));
    }

    /** From a JSON report as {@link JsonReport} writes it (the MXBean's {@code reportJson()}, say). */
    public static String of(String reportJson) {
        Map<String, Object> report = JsonReader.parseObject(reportJson);
        String run = "pid " + report.get("pid");
        return HtmlReport.render("Socket Leak Detector report, " + run, List.of(new HtmlReport.Run(run, report)));
    }
}
