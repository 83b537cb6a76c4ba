package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.socketleak.it.apps.FillsEveryReportPart;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.KernelTcp;
import io.socketleak.it.support.Readme;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README shows what the agent really writes: the JSON report's fields, the text report's
 * headings, the form of its log lines and the summary's keys. Each is read from the README and held
 * against the output of one real run, {@link FillsEveryReportPart}, which gives every part of the
 * report something to show: attached to after it opened sockets, with {@code failOnLeak} so that the
 * full text report is logged at exit, and {@code report=} for the JSON file written at exit. Nothing
 * here lists fields or headings: a field the agent adds fails here until the README shows it.
 */
class ReadmeTest {
    private static final String AGENT_NAME = "socket-leak-agent - ";
    /** A log line: the time and level, the agent's name, the message. */
    private static final Pattern LOG_LINE = Pattern.compile("^(\\S+ [A-Z]+ )" + Pattern.quote(AGENT_NAME) + "(.*)$");
    /** The keys of a {@code key=value} list, like the summary's {@code open=7 listening=1 (active=10 ...)}. */
    private static final Pattern KEY = Pattern.compile("(?:^|[\\s(])([A-Za-z][\\w-]*)=");
    private static final Pattern PATH = Pattern.compile("[A-Za-z]\\w*(?:\\[])?(?:\\.[A-Za-z]\\w*(?:\\[])?)+");

    @TempDir
    static Path dir;

    private static Readme readme;
    private static Path reportFile;
    private static JsonNode report;
    private static List<Entry> log;
    /** The text report logged at exit, line by line. */
    private static List<String> textReport;

    /** One log message with the lines that continue it (a stack, a report). */
    record Entry(String prefix, String message, List<String> more) {
        /** Its first word, which says what it is: LEAK, PORTS, at (exit)... */
        String kind() {
            return message.split("[ =:,]", 2)[0];
        }

        /** What stays the same from one run to the next. */
        List<String> shape() {
            List<String> shape = new ArrayList<>();
            shape.add(ReadmeTest.shape(message));
            for (String line : more) {
                // A stack is the run's own: only that one is there, and where.
                String s = line.matches("\\s+at \\S.*") ? line.substring(0, line.indexOf("at ")) + "at <frame>"
                        : ReadmeTest.shape(line);
                if (!s.equals(shape.get(shape.size() - 1))) {
                    shape.add(s);
                }
            }
            return shape;
        }
    }

    @BeforeAll
    static void runOnce() throws Exception {
        assumeTrue(KernelTcp.available(), "needs Linux's /proc/net/tcp: the report's kernel reading and the "
                + "sockets from before the attach come from it");
        readme = Readme.read();
        reportFile = dir.resolve("report.json");
        Path logFile = dir.resolve("agent.log");
        Process child = new ChildJvm().start(FillsEveryReportPart.class);
        CompletableFuture<String> stderr = ChildJvm.standardErrorInBackground(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertTrue(ready != null && ready.startsWith("ready"), () -> "the app did not start: " + ready + "\n"
                + stderr.join());
        ChildJvm.Result attach = cli("attach", String.valueOf(child.pid()), "interval=0", "failOnLeak=true",
                "closeWaitAfter=200ms", "report=" + reportFile, "log=" + logFile);
        assertEquals(0, attach.exitCode(), attach.stdout() + attach.stderr());
        Writer in = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        in.write("go\n");
        in.flush();
        // The exit report is written as the JVM exits: wait for the process, not for a time.
        if (!child.waitFor(90, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            throw new AssertionError("the app did not finish within 90 s; its log:\n" + readIfThere(logFile));
        }
        String said = out.lines().reduce("", (a, b) -> a + b + "\n");
        String agentLog = readIfThere(logFile);
        assertEquals("done", said.strip(), "the app saw the agent track all it did; its log:\n" + agentLog
                + stderr.join());
        assertEquals(3, child.exitValue(), "failOnLeak's exit status, with leaks; the log:\n" + agentLog);
        report = AgentReport.read(reportFile);
        log = entries(agentLog.lines().toList());
        assertFalse(log.isEmpty(), "the agent logged nothing to " + logFile);
        for (Entry e : log) {
            for (int i = 0; i < e.more().size() && textReport == null; i++) {
                if (e.more().get(i).startsWith("Socket Leak Detector report")) {
                    textReport = e.more().subList(i, e.more().size());
                }
            }
        }
        assertTrue(textReport != null, "no text report in the log at exit (failOnLeak):\n" + agentLog);
    }

    // ---- the JSON report ------------------------------------------------------------------------

    @Test
    void everyFieldTheReadmeShowsInTheJsonReportIsInTheRealOne() {
        JsonNode example = readmeJsonExample();
        Map<String, Set<JsonNodeType>> shown = paths(example);
        Map<String, Set<JsonNodeType>> real = paths(report);
        List<String> missing = new ArrayList<>();
        List<String> otherType = new ArrayList<>();
        for (Map.Entry<String, Set<JsonNodeType>> field : shown.entrySet()) {
            Set<JsonNodeType> types = real.get(field.getKey());
            if (types == null) {
                missing.add(field.getKey());
            } else if (!types.isEmpty() && !field.getValue().isEmpty() && !types.containsAll(field.getValue())) {
                otherType.add(field.getKey() + " (README " + field.getValue() + ", real " + types + ")");
            }
        }
        // The list under the example names fields by their path too: `counters.activeCloses`, `destinations[].timeWait`.
        for (String span : readme.spansUnder("The JSON report")) {
            if (PATH.matcher(span).matches() && example.has(span.split("[.\\[]", 2)[0]) && !real.containsKey(span)) {
                missing.add(span + " (named in the list under the example)");
            }
        }
        assertTrue(missing.isEmpty(), "fields the README's JSON report shows that the real report " + reportFile
                + " does not have: " + missing + "\nthe real report: " + report);
        assertTrue(otherType.isEmpty(), "fields whose JSON type differs between the README and the real report: "
                + otherType);
        assertEquals(example.get("schema"), report.get("schema"), "the README's schema number");
    }

    @Test
    void everyFieldOfTheRealJsonReportIsInTheReadmesExample() {
        Set<String> undocumented = new LinkedHashSet<>(paths(report).keySet());
        undocumented.removeAll(paths(readmeJsonExample()).keySet());
        assertTrue(undocumented.isEmpty(), "fields of the real report that the README's JSON example (under "
                + "\"The JSON report\") does not show: " + undocumented + "\nthe real report: " + report);
    }

    // ---- the text report and the log -----------------------------------------------------------

    /**
     * A quote of the text report in the README starts with its first line ("Socket Leak Detector report,
     * pid ..."); its headings are its lines that start at the margin. Each must be one of the real
     * report's, in the real order.
     */
    @Test
    void theTextReportHeadingsTheReadmeQuotesAreTheAgentsInItsOrder() {
        List<String> realHeadings = headings(textReport);
        String title = shape(textReport.get(0));
        int quotes = 0;
        List<String> wrong = new ArrayList<>();
        for (Readme.Block block : readme.blocks()) {
            List<String> lines = block.lines();
            for (int i = 0; i < lines.size(); i++) {
                if (!shape(lines.get(i)).equals(title)) {
                    continue;
                }
                quotes++;
                int end = i;
                while (end < lines.size() && !lines.get(end).startsWith("$ ")) { // the next command's output
                    end++;
                }
                int at = -1;
                for (String heading : headings(lines.subList(i, end))) {
                    int found = indexOfShape(realHeadings, heading, at + 1);
                    if (found < 0) {
                        wrong.add("README line " + (block.lineNumber() + 1 + i) + "'s quote: \"" + heading + "\""
                                + (indexOfShape(realHeadings, heading, 0) >= 0 ? " (out of order)" : ""));
                    } else {
                        at = found;
                    }
                }
            }
        }
        assertTrue(quotes > 0, "the README quotes no text report (a code block with a line like \""
                + textReport.get(0) + "\")");
        assertTrue(wrong.isEmpty(), "text report headings the README quotes that the real report does not have:\n  "
                + String.join("\n  ", wrong) + "\nthe real headings:\n  " + String.join("\n  ", realHeadings));
    }

    /** The summary line: each quote of it, in a log line or in the text, has the real keys in the real order. */
    @Test
    void theSummaryKeysTheReadmeQuotesAreTheAgents() {
        Entry summary = null;
        for (Entry e : log) {
            if (summary == null || keys(e.message()).size() > keys(summary.message()).size()) {
                summary = e;
            }
        }
        List<String> real = keys(summary.message());
        assertTrue(real.size() > 2, "no summary line in the real log: " + log);
        String realLead = summary.message().substring(0, summary.message().indexOf(real.get(0) + "="));
        List<String> quotes = new ArrayList<>(readme.spans());
        for (Entry e : readmeLogEntries()) {
            quotes.add(e.message());
        }
        int checked = 0;
        List<String> wrong = new ArrayList<>();
        for (String quote : quotes) {
            List<String> shown = keys(quote);
            if (shown.size() < 2) {
                continue; // an option, a property: not the summary
            }
            checked++;
            boolean elided = quote.strip().endsWith("...");
            // Keys that only some lines have (openAtExit, closedUnseen, ...) may be left out of a quote,
            // when the README names them (as `key=`) for whoever reads on.
            List<String> realShown = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            for (String key : elided ? real.subList(0, Math.min(shown.size(), real.size())) : real) {
                if (shown.contains(key)) {
                    realShown.add(key);
                } else if (!readme.spans().contains(key + "=")) {
                    leftOut.add(key);
                }
            }
            if (!shown.equals(realShown) || !leftOut.isEmpty()) {
                wrong.add("\"" + quote + "\" has " + shown + ", the real summary " + real
                        + (leftOut.isEmpty() ? "" : "; not named anywhere as `key=`: " + leftOut));
            }
            String lead = quote.substring(0, quote.indexOf(shown.get(0) + "="));
            if (!lead.isEmpty() && !lead.equals(realLead)) {
                wrong.add("\"" + quote + "\" starts with \"" + lead + "\", the real summary at exit with \"" + realLead
                        + "\"");
            }
        }
        assertTrue(checked > 0, "the README quotes no summary line");
        assertTrue(wrong.isEmpty(), "summary lines in the README that are not the agent's (" + summary.message()
                + "):\n  " + String.join("\n  ", wrong));
    }

    /**
     * Every log line the README quotes starts like the agent's (time, level, name); and those of a kind
     * the run logged too (a LEAK warning, say) read like it, numbers and stacks aside.
     */
    @Test
    void theLogLinesTheReadmeQuotesAreInTheAgentsForm() {
        Set<String> realPrefixes = new LinkedHashSet<>();
        for (Entry e : log) {
            realPrefixes.add(shape(e.prefix()));
        }
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (Entry quoted : readmeLogEntries()) {
            if (!realPrefixes.contains(shape(quoted.prefix()))) {
                wrong.add("\"" + quoted.prefix() + AGENT_NAME + "...\" does not start like the agent's lines ("
                        + log.get(0).prefix() + AGENT_NAME + "...)");
            }
            List<List<String>> sameKind = new ArrayList<>();
            for (Entry e : log) {
                if (e.kind().equals(quoted.kind())) {
                    sameKind.add(e.shape());
                }
            }
            if (sameKind.isEmpty()) {
                continue; // not logged by this run (the port and descriptor warnings have tests of their own)
            }
            compared++;
            if (!sameKind.contains(quoted.shape())) {
                wrong.add("\"" + quoted.message() + "\"" + (quoted.more().isEmpty() ? "" : " and the lines after it")
                        + " read unlike the agent's:\n    " + String.join("\n    ", sameKind.get(0)) + "\n  README:\n    "
                        + String.join("\n    ", quoted.shape()));
            }
        }
        assertTrue(compared > 0, "the README quotes no log line of a kind this run logs: " + log);
        assertTrue(wrong.isEmpty(), "log lines in the README that are not in the agent's form:\n  "
                + String.join("\n  ", wrong));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static JsonNode readmeJsonExample() {
        for (Readme.Block block : readme.blocksUnder("The JSON report")) {
            if (block.language().equals("json")) {
                return AgentReport.parse(String.join("\n", block.lines()));
            }
        }
        throw new AssertionError("no ```json example under the README's \"The JSON report\"");
    }

    /** Every field's path (array elements as {@code []}) with the types it has where not null. */
    static Map<String, Set<JsonNodeType>> paths(JsonNode json) {
        Map<String, Set<JsonNodeType>> paths = new TreeMap<>();
        walk(json, "", paths);
        return paths;
    }

    private static void walk(JsonNode node, String path, Map<String, Set<JsonNodeType>> paths) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                Set<JsonNodeType> types = paths.computeIfAbsent(at, k -> EnumSet.noneOf(JsonNodeType.class));
                if (!field.getValue().isNull()) {
                    types.add(field.getValue().getNodeType());
                }
                walk(field.getValue(), at, paths);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                walk(element, path + "[]", paths);
            }
        }
    }

    /**
     * What stays the same from one run to the next: numbers (counts, ports, addresses, times) and
     * durations ({@code 54 ms}, {@code 2.1 s}) become placeholders; so does "none" where a count may stand.
     */
    static String shape(String text) {
        return text.replaceAll("\\d+(?:\\.\\d+)? (?:ms|s|min)\\b", "<duration>")
                .replaceAll("\\d+(?:\\.\\d+)?|\\bnone\\b", "<n>");
    }

    /** The lines of a text report that start at the margin: its headings. */
    private static List<String> headings(List<String> report) {
        List<String> headings = new ArrayList<>();
        for (String line : report) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.strip().equals("...")) {
                headings.add(line);
            }
        }
        return headings;
    }

    private static int indexOfShape(List<String> lines, String line, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (shape(lines.get(i)).equals(shape(line))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> keys(String text) {
        List<String> keys = new ArrayList<>();
        Matcher m = KEY.matcher(text);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** The agent's log, message by message. */
    private static List<Entry> entries(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LOG_LINE.matcher(line);
            if (m.matches()) {
                entries.add(new Entry(m.group(1), m.group(2), new ArrayList<>()));
            } else if (!entries.isEmpty()) {
                entries.get(entries.size() - 1).more().add(line);
            }
        }
        return entries;
    }

    /** The log lines the README's code blocks quote, each with the lines after it up to a blank line. */
    private static List<Entry> readmeLogEntries() {
        List<Entry> entries = new ArrayList<>();
        for (Readme.Block block : readme.blocks()) {
            Entry current = null;
            for (String line : block.lines()) {
                int name = line.indexOf(AGENT_NAME);
                if (name >= 0) {
                    current = new Entry(line.substring(0, name), line.substring(name + AGENT_NAME.length()),
                            new ArrayList<>());
                    entries.add(current);
                } else if (line.isBlank()) {
                    current = null;
                } else if (current != null) {
                    current.more().add(line);
                }
            }
        }
        assertFalse(entries.isEmpty(), "the README quotes no log line (\"... " + AGENT_NAME + "...\")");
        return entries;
    }

    /** Runs {@code java -jar socket-leak-agent.jar args...} on the tests' JDK. */
    private static ChildJvm.Result cli(String... args) throws Exception {
        return ChildJvm.commandLine(args);
    }

    private static String readIfThere(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no log at " + file + ")";
    }
}
