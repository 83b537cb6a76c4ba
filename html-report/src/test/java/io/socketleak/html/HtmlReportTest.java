package io.socketleak.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.protocol.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The page drawn from hand-made JSON reports, written as the contract says the agent writes them. */
class HtmlReportTest {
    private static final Pattern POLYLINE = Pattern.compile("<polyline [^>]*data-series=\"([^\"]+)\"[^>]*points=\"([^\"]*)\"");
    private static final Pattern LIMIT = Pattern.compile(
            "<line class=\"limit limit-(\\w+)\" data-value=\"([^\"]+)\" x1=\"[^\"]+\" x2=\"[^\"]+\" y1=\"([^\"]+)\"");

    @Test
    void showsEachLeakWithItsBlamedLineAndStack() {
        String page = render(report("""
                "leaks": [{"kind": "collected", "remote": "10.0.0.5:443", "ageMillis": 812, "count": 4, "thread": "main",
                           "blame": "com.acme.Client.fetch(Client.java:42)", "applicationLine": true, "origin": null,
                           "frames": ["java.net.Socket.<init>(Socket.java:303)", "com.acme.Client.fetch(Client.java:42)",
                                      "com.acme.Main.main(Main.java:10)"]},
                          {"kind": "closeWait", "remote": "10.0.0.6:8080", "ageMillis": 31200, "thread": "worker-1",
                           "blame": "okhttp3.internal.Foo.bar(Foo.kt:1)", "applicationLine": false,
                           "origin": "through OkHttp, connected on thread OkHttp TaskRunner",
                           "frames": ["okhttp3.internal.Foo.bar(Foo.kt:1)"]}]"""));
        assertTrue(page.contains("5 socket leaks found"), "the verdict counts each leak of an entry: " + page);
        List<String> leaks = sections(page, "<details class=\"leak\"", "</details>");
        assertEquals(2, leaks.size());
        assertTrue(leaks.get(0).contains("<span class=\"blame-line\">com.acme.Client.fetch(Client.java:42)</span>"), leaks.get(0));
        assertTrue(leaks.get(0).contains("4 sockets") && leaks.get(0).contains("latest to 10.0.0.5:443")
                && leaks.get(0).contains("812 ms") && leaks.get(0).contains("on thread main"), leaks.get(0));
        assertTrue(leaks.get(0).contains("<li class=\"blame\">com.acme.Client.fetch(Client.java:42)</li>"),
                "the blamed frame is marked in the stack: " + leaks.get(0));
        assertTrue(leaks.get(0).contains("<li>java.net.Socket.&lt;init&gt;(Socket.java:303)</li>"), leaks.get(0));
        assertTrue(leaks.get(1).contains("through OkHttp, connected on thread OkHttp TaskRunner"), "origin: " + leaks.get(1));
        assertTrue(leaks.get(1).contains("No frame of the application's own code"), "applicationLine false: " + leaks.get(1));
        assertTrue(page.indexOf("data-verdict=\"bad\"") < page.indexOf("<details class=\"leak\""), "the verdict comes first");
    }

    @Test
    void noLeakIsAGreenVerdict() {
        String page = render(report("\"leaks\": []"));
        assertTrue(page.contains("data-verdict=\"good\"") && page.contains("No socket leaks found"), page);
        assertFalse(page.contains("<details class=\"leak\""));
    }

    @Test
    void amberWhenSomethingNeedsALookRedWhenTheKernelRefused() {
        String filling = render(report("""
                "leaks": [], "history": {"stepSeconds": 1, "warnAt": 0.8, "destinations": []},
                "destinations": [{"remote": "10.0.0.5:443", "portsInUse": 850, "portCapacity": 1000, "utilization": 0.85}]"""));
        assertTrue(filling.contains("data-verdict=\"warn\"") && filling.contains("No socket leaks found")
                && filling.contains("ports to 10.0.0.5:443 are 85 % in use (warning at 80 %)"), filling);
        String belowWarning = render(report("""
                "leaks": [], "history": {"stepSeconds": 1, "warnAt": 0.9, "destinations": []},
                "destinations": [{"remote": "10.0.0.5:443", "portsInUse": 850, "portCapacity": 1000, "utilization": 0.85}]"""));
        assertTrue(belowWarning.contains("data-verdict=\"good\""), "below its own warnAt: " + belowWarning);
        String openAtExit = render(report("\"atExit\": true, \"openSockets\": 2, \"leaks\": []"));
        assertTrue(openAtExit.contains("data-verdict=\"warn\"") && openAtExit.contains("2 sockets were still open at exit")
                && openAtExit.contains("written at the JVM's exit"), openAtExit);
        // The exit report's own list: of the 2 open, one was a closeWait leak already.
        String listed = render(report("\"atExit\": true, \"openSockets\": 2, \"leaks\": [],"
                + " \"openAtExit\": [{\"kind\": \"openAtExit\", \"remote\": \"10.0.0.5:443\", \"blame\": \"a.B.c(B.java:1)\"}]"));
        assertTrue(listed.contains("data-verdict=\"warn\"") && listed.contains("1 socket was still open at exit"), listed);
        assertTrue(section(listed, "Still open as the JVM exited", "</details>").contains("a.B.c(B.java:1)"),
                "the sockets open at exit are shown with their line: " + listed);
        String agentTrouble = render(report("\"leaks\": [], \"agent\": {\"missingHooks\": [\"NioSocketImpl.close\"]}"));
        assertTrue(agentTrouble.contains("data-verdict=\"warn\"") && agentTrouble.contains("<code>NioSocketImpl.close</code>"),
                agentTrouble);
        String refused = render(report("\"leaks\": [], \"exhaustions\": {\"ports\": 3, \"fileDescriptors\": 0,"
                + " \"lastMessage\": \"Cannot assign requested address\"}"));
        assertTrue(refused.contains("data-verdict=\"bad\"") && refused.contains("refused 3 socket operations for lack of ports")
                && refused.contains("Cannot assign requested address"), refused);
    }

    @Test
    void chartsHaveOnePointPerSampleOfEachSeries() {
        int samples = 37;
        String page = render(report(history(0.8, samples, 28232, i -> 3 + i % 4, i -> i * 5)));
        String chart = chart(page, "127.0.0.1:5432");
        Map<String, List<double[]>> series = series(chart);
        assertEquals(List.of("timeWait", "open"), new ArrayList<>(series.keySet()), "both series, stacked: " + chart);
        assertEquals(samples, series.get("open").size());
        assertEquals(samples, series.get("timeWait").size());
        double top = attribute(chart, "data-plot-top");
        double bottom = attribute(chart, "data-plot-bottom");
        double yMax = attribute(chart, "data-y-max");
        for (int i = 0; i < samples; i++) {
            double open = 3 + i % 4;
            double stacked = open + i * 5;
            assertEquals(bottom - open / yMax * (bottom - top), series.get("open").get(i)[1], 0.01, "open at " + i);
            assertEquals(bottom - stacked / yMax * (bottom - top), series.get("timeWait").get(i)[1], 0.01,
                    "TIME_WAIT stacked on open at " + i);
            if (i > 0) {
                assertTrue(series.get("open").get(i)[0] > series.get("open").get(i - 1)[0], "time runs left to right");
            }
        }
        String descriptors = section(page, "<figure class=\"chart-box\" data-chart=\"descriptors\"", "</figure>");
        assertEquals(samples, series(descriptors).get("descriptors").size(), descriptors);
    }

    @Test
    void capacityAndWarningLinesAtTheirHeight() {
        // 101 ports, warnAt 0.75: the warning line is ceil(75.75) = 76; a use of up to 90 is near it: full scale.
        String page = render(report(history(0.75, 20, 101, i -> 90.0 * i / 19, i -> 0)));
        String chart = chart(page, "127.0.0.1:5432");
        assertEquals("full", attributeText(chart, "data-scale"));
        double top = attribute(chart, "data-plot-top");
        double bottom = attribute(chart, "data-plot-bottom");
        double yMax = attribute(chart, "data-y-max");
        assertTrue(yMax >= 101, "the capacity is on the axis: " + yMax);
        Map<String, double[]> limits = limits(chart);
        assertEquals(101, limits.get("capacity")[0]);
        assertEquals(bottom - 101 / yMax * (bottom - top), limits.get("capacity")[1], 0.01);
        assertEquals(76, limits.get("warning")[0]);
        assertEquals(bottom - 76 / yMax * (bottom - top), limits.get("warning")[1], 0.01);
        assertTrue(chart.contains(">capacity 101<") && chart.contains(">warning 76 (75 %)<"), "labelled: " + chart);
    }

    @Test
    void smallUseZoomsTheAxisAndSaysSo() {
        String page = render(report(history(0.8, 30, 28232, i -> i % 3, i -> i % 6)));
        String chart = chart(page, "127.0.0.1:5432");
        assertEquals("zoomed", attributeText(chart, "data-scale"));
        double top = attribute(chart, "data-plot-top");
        double bottom = attribute(chart, "data-plot-bottom");
        double yMax = attribute(chart, "data-y-max");
        double peak = 7; // 1 open + 5 TIME_WAIT, and 2 + 5 at i = 5
        assertTrue(peak / yMax >= 0.4, "a use of 7 takes a good part of the height: y axis up to " + yMax);
        Map<String, double[]> limits = limits(chart);
        assertEquals(28232, limits.get("capacity")[0]);
        assertEquals(22586, limits.get("warning")[0], "ceil(0.8 x 28232)");
        assertTrue(limits.get("capacity")[1] < limits.get("warning")[1] && limits.get("warning")[1] < top,
                "both lines above the break, capacity on top: " + chart);
        for (double[] point : series(chart).get("timeWait")) {
            assertTrue(point[1] >= top && point[1] <= bottom, "inside the plot: " + point[1]);
        }
        assertTrue(chart.contains("y axis zoomed to 0\u2013" + Format.count((long) yMax)), "the chart says so: " + chart);
        assertTrue(chart.contains(">capacity 28,232<") && chart.contains(">warning 22,586 (80 %)<"), chart);
    }

    @Test
    void escapesEveryStringFromTheReport() {
        String hostile = "</script><img src=x onerror=alert(1)>";
        String json = report("""
                "callSites": [{"frames": ["%1$s", "com.acme.A.b(A.java:1)"], "blame": "%1$s", "applicationLine": true,
                               "origin": "%2$s", "open": 1, "opened": 1, "oldestOpenMillis": 5, "remotes": ["%2$s"]}],
                "leaks": [{"kind": "%2$s", "remote": "%2$s", "thread": "%2$s", "blame": "%1$s", "frames": ["%1$s"]}],
                "destinations": [{"remote": "%2$s", "open": 1, "timeWait": 0, "portCapacity": 100, "utilization": 0.01,
                                  "topCallSites": [{"blame": "%1$s", "activeCloses": 1}]}],
                "advice": ["%1$s"], "agent": {"missingHooks": ["%1$s"], "swallowedFailures": 1, "firstFailure": "%1$s"},
                "tcp": {"portRange": "%1$s", "source": "%2$s"},
                "history": {"stepSeconds": 1, "warnAt": 0.8, "destinations": [{"remote": "%2$s", "portCapacity": 100,
                            "start": "%1$s", "open": [1, 2], "timeWait": [0, 0]}]}"""
                .formatted(hostile.replace("\"", "\\\""), "\\\"><svg onload=alert(2)>'&"));
        String page = HtmlReport.render("<b>title</b>", List.of(new HtmlReport.Run("\"><i>run", JsonReader.parseObject(json)),
                new HtmlReport.Run("second", JsonReader.parseObject(json))));
        assertFalse(page.contains("<img"), page);
        assertFalse(page.contains("<svg onload"), page);
        assertFalse(page.contains("<b>title") || page.contains("<i>run"), page);
        assertEquals(2, count(page, "</script>"), "only the page's own two scripts end");
        assertEquals(2, count(page, "<script>"));
        assertTrue(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), page);
        assertTrue(page.contains("&quot;&gt;&lt;svg onload=alert(2)&gt;&#39;&amp;"), page);
        for (String tag : tags(page)) {
            assertFalse(tag.replaceAll("\"[^\"]*\"", "\"\"").matches("(?s)<[^>]*\\son\\w+=.*"),
                    "no event handler attribute: " + tag);
        }
    }

    @Test
    void referencesNothingOutsideThePage() {
        String page = render(fixture());
        Matcher reference = Pattern.compile("(?i)\\b(?:src|href|action|xlink:href|srcset|poster|data)\\s*=\\s*[\"']?([^\"'\\s>]*)").matcher(page);
        int references = 0;
        while (reference.find()) {
            String target = reference.group(1);
            references++;
            assertFalse(target.matches("(?i)(https?:|//|ftp:|file:).*"), "an external reference: " + reference.group());
            assertTrue(target.startsWith("#") || target.startsWith("data:"), "only in-page links: " + reference.group());
        }
        assertTrue(references > 5, "the table of contents links within the page");
        assertFalse(page.contains("@import"));
        assertFalse(page.toLowerCase(java.util.Locale.ROOT).contains("url("), "no CSS fetch");
        assertFalse(Pattern.compile("(?i)<(link rel=\"stylesheet\"|iframe|object|embed|img|audio|video|source)").matcher(page).find());
        assertTrue(page.contains("default-src &#39;none&#39;"), "and the page's policy forbids any fetch");
    }

    @Test
    void thePolicyAllowsExactlyThePageOwnScripts() throws Exception {
        String page = render(fixture());
        List<String> scripts = sections(page, "<script>", "</script>");
        assertEquals(2, scripts.size());
        for (String script : scripts) {
            String body = script.substring("<script>".length(), script.length() - "</script>".length());
            String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
            assertTrue(page.contains("&#39;sha256-" + hash + "&#39;"), "the policy names the script's hash " + hash);
        }
    }

    @Test
    void toleratesMissingNullAndOddFields() {
        for (String json : List.of("{}", "{\"schema\": 1}", "{\"leaks\": null, \"callSites\": null, \"history\": null}",
                "{\"leaks\": [null, 3, \"x\", {}], \"callSites\": [null, {\"frames\": null}, {\"frames\": [null, 1]}],"
                        + " \"destinations\": [{}, {\"remote\": null, \"utilization\": \"high\"}],"
                        + " \"history\": {\"stepSeconds\": 0, \"destinations\": [{\"open\": [1, null, \"x\"]}, {\"open\": 5}],"
                        + " \"fileDescriptors\": {\"open\": []}}, \"tcp\": {}, \"kernel\": null, \"agent\": {\"stacks\": 3}}")) {
            String page = HtmlReport.render("t", List.of(new HtmlReport.Run("r", JsonReader.parseObject(json))));
            assertTrue(page.endsWith("</html>\n"), json);
        }
        // An older agent's report: no history, advice or atExit. What is there is shown; the rest says it is missing.
        Map<String, Object> older = JsonReader.parseObject(fixture());
        older.remove("history");
        older.remove("advice");
        older.remove("atExit");
        String page = HtmlReport.render("t", List.of(new HtmlReport.Run("r", older)));
        assertTrue(page.contains("com.acme.Client.fetch(Client.java:42)") && page.contains("This report has no history")
                && page.contains("carries no advice"), page);
        assertFalse(page.contains("<svg"));
    }

    /** Every field of a full report taken away, made null, or given another type: the page is still drawn. */
    @Test
    void everyFieldMissingOrOfAnotherTypeStillDraws() {
        String fixture = shortHistory(fixture());
        Map<String, Object> full = JsonReader.parseObject(fixture);
        List<Object> replacements = new ArrayList<>();
        replacements.add(null);
        replacements.add("text");
        replacements.add(-1L);
        replacements.add(1.5e300);
        replacements.add(List.of());
        replacements.add(Map.of());
        int variants = 0;
        for (List<Object> path : paths(full, new ArrayList<>())) {
            for (Object replacement : replacements) {
                Map<String, Object> copy = JsonReader.parseObject(fixture);
                replace(copy, path, replacement);
                String page = HtmlReport.render("t", List.of(new HtmlReport.Run("r", copy)));
                assertTrue(page.endsWith("</html>\n"), path + " = " + replacement);
                variants++;
            }
        }
        assertTrue(variants > 400, "the fixture has many fields: " + variants);
    }

    @Test
    void theLeaksShownAreBoundedAndThePageSaysHowManyMoreTheJsonHas() {
        StringBuilder leaks = new StringBuilder();
        for (int i = 0; i < 502; i++) {
            leaks.append(i == 0 ? "" : ", ").append("{\"kind\": \"collected\", \"blame\": \"a.B.m").append(i)
                    .append("(B.java:1)\", \"frames\": [\"a.B.m").append(i).append("(B.java:1)\"]}");
        }
        String page = render(report("\"leaks\": [" + leaks + "]"));
        assertEquals(500, sections(page, "<details class=\"leak\"", "</details>").size());
        assertTrue(page.contains("2 more leaks are in the JSON report."), "the rest is counted, not dropped silently");
    }

    @Test
    void severalRunsGetASummaryTableFirst() {
        String leaking = report("""
                "openSockets": 3, "leaks": [{"kind": "collected", "count": 2, "blame": "a.B.c(B.java:1)", "frames": []}],
                "destinations": [{"remote": "10.0.0.5:443", "utilization": 0.8123, "portCapacity": 28232}]""");
        String clean = report("\"openSockets\": 0, \"leaks\": []");
        Map<String, Object> one = JsonReader.parseObject(leaking);
        String page = HtmlReport.render("Tests", List.of(new HtmlReport.Run("TEST-a.json", one),
                new HtmlReport.Run("TEST-b.json", JsonReader.parseObject(clean))));
        String table = section(page, "<table class=\"sortable runs\">", "</table>");
        List<String> rows = sections(table, "<tr><td>", "</tr>");
        assertEquals(2, rows.size(), table);
        assertTrue(rows.get(0).contains("<a href=\"#run-1\">TEST-a.json</a>") && rows.get(0).contains(">2<")
                && rows.get(0).contains(">3<") && rows.get(0).contains("81 %") && rows.get(0).contains("10.0.0.5:443"), rows.get(0));
        assertTrue(rows.get(1).contains("<a href=\"#run-2\">TEST-b.json</a>") && rows.get(1).contains("No socket leaks"), rows.get(1));
        assertTrue(page.indexOf("class=\"sortable runs\"") < page.indexOf("id=\"run-1\""), "the summary comes first");
        assertTrue(page.contains("<section class=\"run\" id=\"run-2\"><h2>TEST-b.json</h2>"), page);
        assertTrue(page.contains("2 socket leaks found in 1 JVM of 2"), page);

        String amber = report("\"atExit\": true, \"openSockets\": 1, \"leaks\": []");
        String withAmber = HtmlReport.render("Tests", List.of(new HtmlReport.Run("TEST-b.json", JsonReader.parseObject(clean)),
                new HtmlReport.Run("TEST-c.json", JsonReader.parseObject(amber))));
        assertTrue(section(withAmber, "<div class=\"verdict", "</div>").contains("data-verdict=\"warn\""),
                "no leak, but a JVM that needs a look: the summary is amber, not green");

        String single = HtmlReport.render("One", List.of(new HtmlReport.Run("pid 1", one)));
        assertFalse(single.contains("sortable runs"), "one run: no summary");
        assertTrue(HtmlReport.render("None", List.of()).contains("No report to show"));
    }

    @Test
    void callSitesTableSortableAndPlain() {
        String page = render(fixture());
        String table = section(page, "<table class=\"sortable sites\">", "</table>");
        assertEquals(10, count(section(table, "<thead>", "</thead>"), "</th>"), table);
        List<String> rows = sections(table, "<tr><td class=\"site\"", "</tr>");
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).contains("com.acme.Api.call(Api.java:77)"), "most open first: " + rows.get(0));
        assertTrue(rows.get(1).contains("<td class=\"num\" data-value=\"1203\">1,203</td>"), rows.get(1));
        assertTrue(rows.get(1).contains("2 min 5 s"), "oldest open 125,123 ms: " + rows.get(1));
        assertTrue(rows.get(1).contains("<span class=\"k-active\" style=\"width:"), "the bar of close kinds: " + rows.get(1));
    }

    @Test
    void numbersForPeople() {
        assertEquals("1,234", Format.count(1234L));
        assertEquals("81 %", Format.percent(0.8123));
        assertEquals("0.21 %", Format.percent(0.0021));
        assertEquals("2 min 5 s", Format.duration(125));
        assertEquals("812 ms", Format.millis(812.0));
        assertEquals("5.1 s", Format.millis(5123.0));
        assertEquals("1 h 29 min", Format.duration(5371.2));
        assertEquals("5.2/s", Format.rate(5.2));
    }

    // ---- the JSON ----

    private static String fixture() {
        try (InputStream in = HtmlReportTest.class.getResourceAsStream("full-report.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The report with 5 samples per series (as many pages, drawn faster). */
    private static String shortHistory(String json) {
        return json.replaceAll("\\[((?:\\s*\\d+,){4}\\s*\\d+)(?:,\\s*\\d+)+\\s*]", "[$1]");
    }

    /** A report with the counters and these members (JSON text, without the braces). */
    private static String report(String members) {
        return """
                {"schema": 1, "pid": 4242, "time": "2026-12-02T01:00:00Z",
                 "counters": {"opened": 10, "closed": 9, "activeCloses": 5, "passiveCloses": 4, "abortiveCloses": 0,
                              "collectedUnclosed": 0},
                """ + members + "}";
    }

    private static String history(double warnAt, int samples, int capacity,
                                  java.util.function.IntToDoubleFunction open,
                                  java.util.function.IntToDoubleFunction timeWait) {
        return """
                "history": {"stepSeconds": 1, "warnAt": %s,
                  "fileDescriptors": {"max": 20000, "start": "2026-12-02T01:00:00Z", "open": [%s]},
                  "destinations": [{"remote": "127.0.0.1:5432", "portCapacity": %d, "start": "2026-12-02T01:00:00Z",
                                    "open": [%s], "timeWait": [%s]}]}"""
                .formatted(warnAt, numbers(samples, i -> 40 + i), capacity, numbers(samples, open), numbers(samples, timeWait));
    }

    private static String numbers(int n, java.util.function.IntToDoubleFunction f) {
        return IntStream.range(0, n).mapToObj(i -> Format.coordinate(f.applyAsDouble(i))).collect(Collectors.joining(", "));
    }

    private static String render(String json) {
        return HtmlReport.render("Socket Leak Detector report", List.of(new HtmlReport.Run("pid 4242", JsonReader.parseObject(json))));
    }

    // ---- reading the page ----

    private static String chart(String page, String remote) {
        String figure = section(page, "<figure class=\"chart-box\" data-destination=\"" + remote + "\"", "</figure>");
        return section(figure, "<svg", "</svg>");
    }

    /** Each series' points, as the chart draws them (top edge of its area), in the page's order. */
    private static Map<String, List<double[]>> series(String chart) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Matcher m = POLYLINE.matcher(chart);
        while (m.find()) {
            List<double[]> points = new ArrayList<>();
            for (String point : m.group(2).split(" ", -1)) {
                String[] xy = point.split(",", -1);
                points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
            }
            series.put(m.group(1), points);
        }
        return series;
    }

    /** The limit lines: name to {value, y}. */
    private static Map<String, double[]> limits(String chart) {
        Map<String, double[]> limits = new LinkedHashMap<>();
        Matcher m = LIMIT.matcher(chart);
        while (m.find()) {
            limits.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
        }
        return limits;
    }

    private static double attribute(String element, String name) {
        return Double.parseDouble(attributeText(element, name));
    }

    private static String attributeText(String element, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(element);
        assertTrue(m.find(), name + " in " + element);
        return m.group(1);
    }

    private static String section(String text, String from, String to) {
        List<String> all = sections(text, from, to);
        assertFalse(all.isEmpty(), from + " not in " + text);
        return all.get(0);
    }

    private static List<String> sections(String text, String from, String to) {
        List<String> found = new ArrayList<>();
        int at = text.indexOf(from);
        while (at >= 0) {
            int end = text.indexOf(to, at);
            assertTrue(end >= 0, to + " after " + from);
            found.add(text.substring(at, end + to.length()));
            at = text.indexOf(from, end);
        }
        return found;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static List<String> tags(String page) {
        List<String> tags = new ArrayList<>();
        Matcher m = Pattern.compile("<[a-zA-Z][^>]*>").matcher(page);
        while (m.find()) {
            tags.add(m.group());
        }
        return tags;
    }

    /** The path of every value in the report, objects' members and lists' elements. */
    private static List<List<Object>> paths(Object value, List<Object> prefix) {
        List<List<Object>> paths = new ArrayList<>();
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                List<Object> path = new ArrayList<>(prefix);
                path.add(e.getKey());
                paths.add(path);
                paths.addAll(paths(e.getValue(), path));
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < Math.min(2, list.size()); i++) {
                List<Object> path = new ArrayList<>(prefix);
                path.add(i);
                paths.add(path);
                paths.addAll(paths(list.get(i), path));
            }
        }
        return paths;
    }

    @SuppressWarnings("unchecked")
    private static void replace(Object root, List<Object> path, Object replacement) {
        Object parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            parent = parent instanceof Map ? ((Map<String, Object>) parent).get((String) path.get(i))
                    : ((List<Object>) parent).get((Integer) path.get(i));
        }
        Object last = path.get(path.size() - 1);
        if (parent instanceof Map) {
            ((Map<String, Object>) parent).put((String) last, replacement);
        } else {
            ((List<Object>) parent).set((Integer) last, replacement);
        }
    }
}
