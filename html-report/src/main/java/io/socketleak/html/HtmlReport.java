package io.socketleak.html;

import java.util.List;
import java.util.Map;

/**
 * The HTML report: one self-contained page (styles and scripts inline, nothing fetched) drawn from
 * JSON reports as {@link io.socketleak.protocol.JsonReader} reads them. Its tables and charts are
 * plain HTML and SVG, so the page shows them with scripts off; a script only sorts the tables.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** One JVM's JSON report, and the name it is shown under (a test JVM's file name, a pid). */
    public record Run(String name, Map<String, Object> report) {
    }

    /** The page for these runs: the agent gives its own, the Maven plugin one per test JVM. */
    public static String render(String title, List<Run> runs) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title></head><body><h1>").append(escape(title)).append("</h1>");
        for (Run run : runs) {
            html.append("<h2>").append(escape(run.name())).append("</h2>");
        }
        return html.append("</body></html>\n").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
