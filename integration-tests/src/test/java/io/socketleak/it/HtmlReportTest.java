package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.html.HtmlReport;
import io.socketleak.it.apps.LeaksOneAndChurns;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.Chromium;
import io.socketleak.protocol.JsonReader;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a real run, as a person sees it: a JVM with the agent leaks a socket and churns
 * short connections, its report becomes the page, and Chromium opens it, with scripts and without.
 */
class HtmlReportTest {
    private static final Pattern POLYLINE = Pattern.compile("<polyline [^>]*data-series=\"(\\w+)\"[^>]*points=\"([^\"]*)\"");
    private static final Pattern SITE_ROW = Pattern.compile("<tr><td class=\"site\".*?</tr>", Pattern.DOTALL);
    private static final Pattern NUMBER_CELL = Pattern.compile("<td class=\"num\"(?: data-value=\"([^\"]*)\")?>");

    @TempDir
    static Path dir;

    private static final Path TARGET = Path.of(System.getProperty("basedir", "."), "target");
    private static Path page;
    private static String blame;
    private static Map<String, Object> report;

    @BeforeAll
    static void runAnApplicationAndDrawItsPage() throws Exception {
        Path json = dir.resolve("report.json");
        ChildJvm.Result run = new ChildJvm().withAgent("interval=1s,report=" + json).run(LeaksOneAndChurns.class, "3");
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        Matcher line = Pattern.compile("leak line: (\\d+)").matcher(run.stdout());
        assertTrue(line.find(), run.stdout());
        blame = "io.socketleak.it.apps.LeaksOneAndChurns.leak(LeaksOneAndChurns.java:" + line.group(1) + ")";
        report = JsonReader.parseObject(Files.readString(json));
        Files.createDirectories(TARGET);
        page = TARGET.resolve("socket-leak-report.html");
        // The page from the agent's JSON report (once the agent writes report=x.html itself, its file instead).
        Files.writeString(page, HtmlReport.render("Socket Leak Detector report", List.of(new HtmlReport.Run("pid " + report.get("pid"), report))));
    }

    @Test
    void showsTheLeakItsLineAndTheChartsWithTheScriptRunClean() throws Exception {
        String dom = Chromium.dumpDom(page);
        String root = root(dom);
        assertTrue(root.contains("data-ready=\"true\""), "the page's script ran to its end: " + root);
        assertFalse(root.contains("data-errors"), "no script error: " + root);
        assertFalse(root.contains("data-blocked"), "nothing refused by the page's policy: " + root);
        assertTrue(root.contains("data-resources=\"0\""), "nothing loaded but the page: " + root);

        assertTrue(dom.contains("<span class=\"blame-line\">" + blame + "</span>"), "the leak and its line " + blame);
        Matcher leak = Pattern.compile("<details class=\"leak\" data-kind=\"collected\">.*?</details>", Pattern.DOTALL)
                .matcher(dom);
        assertTrue(leak.find(), "a collected leak");
        assertTrue(leak.group().contains("<li class=\"blame\">" + blame + "</li>"), "its stack, the line marked: " + leak.group());
        assertTrue(dom.contains("data-verdict=\"bad\"") && dom.contains("1 socket leak found"), "the verdict");

        assertTrue(report.get("history") instanceof Map, "the agent's report has its history (contract field): " + report.keySet());
        int samples = 0;
        Matcher series = POLYLINE.matcher(chart(dom));
        List<String> names = new ArrayList<>();
        while (series.find()) {
            names.add(series.group(1));
            samples = series.group(2).split(" ", -1).length;
        }
        assertEquals(List.of("timeWait", "open"), names, "both series in the chart of the loopback server");
        assertTrue(samples >= 3, "a sample a second over the ~5 s run: " + samples);
        assertTrue(dom.contains("class=\"limit limit-capacity\"") && dom.contains("class=\"limit limit-warning\""));
    }

    @Test
    void sortsTheCallSitesWhenAHeaderIsClicked() throws Exception {
        // A copy of the page with one more script, allowed by its hash in the copy's policy: it clicks "Opened"
        // twice (most first, then fewest first, which the page's own order, most open then most opened, is not).
        // It also moves the mouse to the middle of the first chart, where the cursor shows that moment's values.
        String click = "var th = document.querySelector('table.sites th:nth-child(3)'); th.click(); th.click();"
                + " var svg = document.querySelector('svg.chart'); var box = svg.getBoundingClientRect();"
                + " svg.dispatchEvent(new MouseEvent('mousemove', {clientX: box.left + box.width * 0.4,"
                + " clientY: box.top + box.height / 2}));";
        String html = Files.readString(page);
        List<Double> unsorted = column(html, 1);
        List<Double> ascending = unsorted.stream().sorted().toList();
        assertFalse(ascending.equals(unsorted), "the page's own order is not the one asked for: " + unsorted);
        String copy = html.replace("script-src ", "script-src " + hash(click) + " ")
                .replace("</body>", "<script>" + click + "</script></body>");
        Path sorted = dir.resolve("sorted.html");
        Files.writeString(sorted, copy);
        String dom = Chromium.dumpDom(sorted);
        assertFalse(root(dom).contains("data-errors"), "no script error");
        Matcher header = Pattern.compile("<th class=\"num\" data-sort=\"number\"[^>]*>Opened</th>").matcher(dom);
        assertTrue(header.find() && header.group().contains("aria-sort=\"ascending\""), "sorted by Opened: " + dom);
        assertEquals(ascending, column(dom, 1), "the same rows, fewest opened first");
        Matcher cursor = Pattern.compile("<text [^>]*class=\"cursor-text\"[^>]*>(\\d\\d:\\d\\d:\\d\\d UTC: open \\d+, TIME_WAIT \\d+)</text>")
                .matcher(chart(dom));
        assertTrue(cursor.find(), "the cursor's values at the mouse: " + chart(dom));

        // And a script the page did not bring is refused by its policy, and said to be.
        Path injected = dir.resolve("injected.html");
        Files.writeString(injected, html.replace("</body>", "<script>document.title='ran';</script></body>"));
        String refused = Chromium.dumpDom(injected);
        String root = root(refused);
        assertTrue(root.contains("data-blocked=\"script-src-elem"), "refused and recorded: " + root);
        assertFalse(refused.contains("<title>ran</title>"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHostileCallSiteOrThreadNameIsShownAsText() throws Exception {
        // Call sites and thread names come from the application: the real report, with such strings in them.
        String hostile = "</script><img src=x onerror=\"document.title='pwned'\">";
        Map<String, Object> copy = JsonReader.parseObject(Files.readString(dir.resolve("report.json")));
        Map<String, Object> leak = ((List<Map<String, Object>>) copy.get("leaks")).get(0);
        leak.put("thread", hostile);
        ((List<Object>) leak.get("frames")).add(0, hostile);
        Path hostilePage = dir.resolve("hostile.html");
        Files.writeString(hostilePage, HtmlReport.render(hostile, List.of(new HtmlReport.Run(hostile, copy))));
        String dom = Chromium.dumpDom(hostilePage);
        assertFalse(dom.contains("<img"), "no element made from the strings");
        assertFalse(dom.contains("<title>pwned</title>"));
        assertTrue(root(dom).contains("data-ready=\"true\"") && !root(dom).contains("data-errors")
                && !root(dom).contains("data-blocked"), "the page's script ran, nothing else tried: " + root(dom));
        assertTrue(dom.contains("on thread &lt;/script&gt;&lt;img src=x onerror=\"document.title='pwned'\"&gt;"),
                "shown as text: " + dom);
    }

    @Test
    void readsTheSameWithScriptsOff() throws Exception {
        // JavaScript off in the browser: the tables and the chart are in the DOM, and the page looks the same as with it.
        Chromium.Shown off = Chromium.show(page, 1280, 2400, false);
        Chromium.Shown on = Chromium.show(page, 1280, 2400, true);
        String offRoot = root(off.dom());
        assertFalse(offRoot.contains("data-ready"), "scripts were off: " + offRoot);
        assertTrue(root(on.dom()).contains("data-ready=\"true\""), "and on: " + root(on.dom()));
        assertTrue(off.dom().contains("<span class=\"blame-line\">" + blame + "</span>"));
        assertTrue(off.dom().contains("<table class=\"sortable sites\">"), "the tables");
        BufferedImage withScripts = on.screenshot();
        BufferedImage without = off.screenshot();
        Files.write(TARGET.resolve("socket-leak-report-no-scripts.png"), Base64.getDecoder().decode(off.pngBase64()));
        assertEquals(1280, without.getWidth());
        assertEquals(withScripts.getHeight(), without.getHeight());
        long differing = 0;
        for (int y = 0; y < without.getHeight(); y++) {
            for (int x = 0; x < without.getWidth(); x++) {
                differing += withScripts.getRGB(x, y) == without.getRGB(x, y) ? 0 : 1;
            }
        }
        assertEquals(0, differing, "pixels that differ with scripts off");
        assertTrue(POLYLINE.matcher(chart(off.dom())).find(), "the chart");
    }

    @Test
    void screenshotAsAPersonSeesIt() throws Exception {
        Path png = TARGET.resolve("socket-leak-report.png");
        Chromium.screenshot(page, png, 1280, 2400);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(2400, image.getHeight());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 100, "a page with text, colour and charts, not a blank one: " + colours.size() + " colours");
        assertTrue(Files.size(png) > 50_000, png + ": " + Files.size(png) + " bytes");
    }

    /** The page's root element's start tag, where its scripts leave their marks. */
    private static String root(String dom) {
        int html = dom.indexOf("<html");
        assertTrue(html >= 0, dom);
        return dom.substring(html, dom.indexOf('>', html) + 1);
    }

    /** The chart of the destination the churn connected to (the busiest, first). */
    private static String chart(String dom) {
        int figure = dom.indexOf("<figure class=\"chart-box\" data-destination=\"127.0.0.1:");
        assertTrue(figure >= 0, "a chart of the loopback server");
        return dom.substring(figure, dom.indexOf("</figure>", figure));
    }

    /** The numbers of a column of the call sites' table (0 is the first number column, Open). */
    private static List<Double> column(String dom, int index) {
        List<Double> values = new ArrayList<>();
        Matcher row = SITE_ROW.matcher(dom);
        while (row.find()) {
            Matcher cell = NUMBER_CELL.matcher(row.group());
            for (int i = 0; i <= index; i++) {
                assertTrue(cell.find(), row.group());
            }
            assertNotNull(cell.group(1), row.group());
            values.add(Double.parseDouble(cell.group(1)));
        }
        return values;
    }

    private static String hash(String script) throws Exception {
        return "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.getBytes(StandardCharsets.UTF_8))) + "'";
    }
}
