package io.socketleak.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;
import org.openjdk.jmh.util.Version;

/**
 * The whole benchmark run behind {@code benchmarks/run.sh}: the JMH benchmarks in interleaved rounds
 * of one fork per variant (no agent, our agent, the peer agent), the {@link WholeProcess}
 * measurements in child JVMs (start-up under GNU time first), and one Markdown table of the results
 * next to the budgets.
 *
 * <p>Each round of a variant is one JMH run whose fork gets the variant's {@code -javaagent} through
 * {@code jvmArgsAppend}: the agent must be there when the JVM starts, so it cannot be a
 * {@code @Param}, and keeping it out of the benchmark classes keeps them runnable by hand
 * ({@code java -jar benchmarks.jar ConnectClose -jvmArgsAppend -javaagent:...}).
 *
 * <p>Arguments: {@code --agent <jar> --out <file.md> --work <dir> [--peer <jar>] [--smoke]
 * [--only <regex> | --only-startup]}.
 */
public final class Suite {
    private static final String PACKAGE = Suite.class.getPackageName();

    /** How one JVM is started: which agent, with which options. */
    record Variant(String key, String title, List<String> jvmArgs) {
        static Variant ours(String key, String title, Path agentJar, String options) {
            return new Variant(key, title, List.of("-javaagent:" + agentJar + "=" + options));
        }
    }

    /** A score with its 99.9% confidence half-width (NaN with a single iteration). */
    record Score(double score, double error, String unit) {
    }

    /** Every measurement iteration of one benchmark with one variant, over all rounds. */
    static final class Samples {
        final List<Double> time = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        String unit;

        /** The median iteration, and the 99.9% confidence half-width of the mean. */
        Score score(boolean ofCpu) {
            List<Double> values = ofCpu ? cpu : time;
            if (values.isEmpty() || values.stream().anyMatch(v -> v.isNaN())) {
                return null;
            }
            ListStatistics stats = new ListStatistics();
            values.forEach(stats::addValue);
            double error = values.size() > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
            return new Score(stats.getPercentile(50), error, ofCpu ? "µs/op" : unit);
        }
    }

    /**
     * Measured without an agent only, in rounds of its own after the others, each beside a fork of
     * {@link #FLOOR_BASE}: its connections leave the kernel's table full of TIME_WAIT, which would
     * favour whichever benchmark ran next.
     */
    private static final String FLOOR = StackFloor.class.getSimpleName() + ".connectWriteCloseWithAStack";
    private static final String FLOOR_BASE = ConnectClose.class.getSimpleName() + ".connectWriteClose";

    /** JMH forks per variant, one per round. */
    private static final int JMH_ROUNDS = 3;
    /**
     * Rounds of the stack floor, each fork 3 × 1 s warm-up and 6 × 1 s measurement: the stack costs a
     * few percent, and fork-to-fork variation on 2 cores is of the same size, so more, shorter forks.
     */
    private static final int FLOOR_ROUNDS = 10;
    /** Runs per variant of each start-up workload. */
    private static final int STARTUP_RUNS = 11;
    private static final Path GNU_TIME = Path.of("/usr/bin/time");
    /** What the agent may add to a whole JVM's start-up: wall ms, CPU ms, peak RSS MiB. */
    private static final double[] STARTUP_BUDGETS = {100, 150, 15};

    /** What a child JVM printed (its result lines), or why it failed. */
    record ChildRun(Map<String, String> results, String failure) {
        String get(String key) {
            return results.get(key);
        }
    }

    private final boolean smoke;
    private final Path agentJar;
    private final Path peerJar;
    private final Path work;
    private final Path out;
    private final String only;
    private final boolean onlyStartup;
    /** {@code --only} or {@code --only-startup}: no other whole-process measurement. */
    private final boolean partial;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> notes = new ArrayList<>();
    private final List<String> agentChecks = new ArrayList<>();
    /** Per variant, over all rounds. */
    private final Map<String, Long> listenOverflows = new LinkedHashMap<>();
    /** Failed measurements: the run exits with status 1, so CI notices a suite that has rotted. */
    private int failures;

    private Suite(Map<String, String> args) {
        smoke = args.containsKey("--smoke");
        agentJar = Path.of(required(args, "--agent")).toAbsolutePath();
        peerJar = args.containsKey("--peer") ? Path.of(args.get("--peer")).toAbsolutePath() : null;
        out = Path.of(required(args, "--out")).toAbsolutePath();
        work = Path.of(required(args, "--work")).toAbsolutePath();
        only = args.getOrDefault("--only", ".*");
        onlyStartup = args.containsKey("--only-startup");
        if (onlyStartup && args.containsKey("--only")) {
            throw new IllegalArgumentException("--only and --only-startup exclude each other");
        }
        partial = args.containsKey("--only") || onlyStartup;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--smoke") || argv[i].equals("--only-startup")) {
                args.put(argv[i], "");
            } else if (argv[i].startsWith("--") && i + 1 < argv.length) {
                args.put(argv[i], argv[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + argv[i]);
            }
        }
        Suite suite = new Suite(args);
        suite.run();
        System.exit(suite.failures == 0 ? 0 : 1);
    }

    private void run() throws Exception {
        Files.createDirectories(work.resolve("logs"));
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("agent jar not found: " + agentJar);
        }
        long started = System.nanoTime();
        String machineAtStart = loadAverage();

        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("none", "no agent", List.of()));
        variants.add(Variant.ours("agent", "agent (defaults)", agentJar, "interval=0"));
        if (!onlyStartup) {
            variants.add(thirdVariant());
        }
        // First, while the kernel's tables are still small: the agent's thread reads them.
        String startup = partial && !onlyStartup ? "" : startup(variants.get(0), variants.get(1));
        // Rounds of one fork per variant, interleaved: a machine that drifts over the run (load, the
        // kernel's TIME_WAIT table) then weighs on every variant alike.
        Map<String, Map<String, Samples>> jmh = new LinkedHashMap<>();
        for (Variant variant : variants) {
            jmh.put(variant.key(), new LinkedHashMap<>());
        }
        int rounds = onlyStartup ? 0 : smoke ? 1 : JMH_ROUNDS;
        for (int round = 1; round <= rounds; round++) {
            for (Variant variant : variants) {
                runJmh(variant, false, variant.key() + "-" + round, "round " + round + "/" + rounds,
                        jmh.get(variant.key()));
            }
        }
        Map<String, Samples> floor = new LinkedHashMap<>();
        if (!onlyStartup && Pattern.compile(only).matcher(FLOOR).matches()) {
            int floorRounds = smoke ? 1 : FLOOR_ROUNDS;
            for (int round = 1; round <= floorRounds; round++) {
                runJmh(variants.get(0), true, "floor-" + round,
                        "stack floor round " + round + "/" + floorRounds, floor);
            }
        }
        listenOverflows.forEach((variant, overflows) -> {
            if (overflows > 0) {
                notes.add(String.format(Locale.ROOT, "%d listen-queue overflows during the JMH runs with %s: some"
                        + " connects waited for a SYN retransmission, which inflates connect times.", overflows,
                        variant));
            }
        });
        // A partial run is for what it names: the JMH benchmarks of --only, or the start-up table.
        String wholeProcess = partial ? "" : wholeProcess(variants);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        StringBuilder md = new StringBuilder();
        header(md, variants, machineAtStart, took);
        if (!onlyStartup) {
            jmhTable(md, variants, jmh, false);
            jmhTable(md, variants, jmh, true);
            stackFloorTable(md, floor, jmh);
        }
        md.append(startup).append(wholeProcess);
        md.append("\n## Notes\n\n");
        if (agentChecks.isEmpty()) {
            notes.add("No agent self-check was recorded (no agent ran, or every agent run failed).");
        } else {
            md.append("- Agent self-checks (the agent's own counters, read through its MXBean at the end of"
                    + " each measurement):\n");
            for (String check : agentChecks) {
                md.append("  - ").append(check).append('\n');
            }
        }
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        md = new StringBuilder(md.toString().replace(work.toString(), "$WORK"));
        md.append("\n`$WORK` is `").append(work).append("`: each measurement's output is kept in `$WORK/logs`.\n");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println("results written to " + out + " (" + took.toSeconds() + " s)");
    }

    // ---------------------------------------------------------------- variants

    /** The peer agent, or where it cannot run, our agent doing all it can. */
    private Variant thirdVariant() throws Exception {
        String peerProblem = peerProblem();
        if (peerProblem == null) {
            return new Variant("peer", peerName(), List.of("-javaagent:" + peerJar));
        }
        Path dir = work.resolve("thorough");
        Files.createDirectories(dir);
        String options = "interval=1s,closeWaitAfter=1s,report=" + dir.resolve("report.json")
                + ",log=" + dir.resolve("agent.log");
        notes.add("The peer agent, " + peerName() + ", could not be measured: " + peerProblem
                + " The third column is therefore our agent at its most thorough setting (`" + options
                + "`: a summary, the report file rewritten and CLOSE_WAIT deadlines checked every second).");
        return Variant.ours("thorough", "agent, most thorough", agentJar, options);
    }

    private String peerName() {
        if (peerJar == null) {
            return "file-leak-detector";
        }
        Matcher version = Pattern.compile("file-leak-detector-(.+?)-jar-with-dependencies\\.jar")
                .matcher(peerJar.getFileName().toString());
        return version.matches() ? "file-leak-detector " + version.group(1) : peerJar.getFileName().toString();
    }

    /** Null when the peer agent starts and lets a connection through; otherwise why not. */
    private String peerProblem() throws Exception {
        if (peerJar == null || !Files.isRegularFile(peerJar)) {
            return "its jar was not found (" + peerJar + ").";
        }
        Path err = work.resolve("logs/peer-check.err");
        ChildRun check = child(List.of("-javaagent:" + peerJar), List.of("startupOneSocket"), "peer-check",
                Duration.ofMinutes(1));
        if (check.failure() == null) {
            return null;
        }
        String cause = "";
        for (String line : Files.readAllLines(err)) {
            if (line.startsWith("Caused by:")) {
                cause = line.substring("Caused by:".length()).trim(); // the innermost cause wins
            }
        }
        return "it stops the JVM at start-up on JDK " + Runtime.version() + " ("
                + (cause.isEmpty() ? check.failure() : "`" + cause + "`") + "; full output in " + err + ").";
    }

    // ---------------------------------------------------------------- JMH

    /**
     * One JMH run, one fork per benchmark, adding to {@code samples}: of the benchmarks {@code --only}
     * names but the floor, or in a floor round, of the floor and its base.
     */
    private void runJmh(Variant variant, boolean floorRound, String resultName, String what,
                        Map<String, Samples> samples) throws IOException {
        String include = floorRound ? Pattern.quote(FLOOR_BASE) + "|" + Pattern.quote(FLOOR) : only;
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(Pattern.quote(PACKAGE) + "\\.(" + include + ")")
                .jvm(java)
                // Set explicitly so the forks do not inherit this JVM's arguments. The heap is touched
                // up front, as a running service's is: otherwise whichever variant allocates more pays
                // for the kernel zeroing fresh pages during the measurement.
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch")
                .jvmArgsAppend(variant.jvmArgs().toArray(new String[0]))
                .forks(1)
                .addProfiler(ProcessCpu.class)
                .result(work.resolve("jmh-" + resultName + ".json").toString())
                .resultFormat(ResultFormatType.JSON);
        if (!floorRound) {
            options.exclude(Pattern.quote(PACKAGE + "." + FLOOR));
        } else {
            options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(6).measurementTime(TimeValue.seconds(1));
        }
        if (smoke) {
            // Strict: a smoke run exists to notice a benchmark that no longer runs.
            options.forks(1).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200)).shouldFailOnError(true);
        }
        System.out.println("=== JMH " + what + ", " + variant.title() + " " + String.join(" ", variant.jvmArgs()));
        long overflowsBefore = listenOverflows();
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            failures++;
            notes.add("JMH failed for " + variant.title() + " in " + what + ": " + e.getMessage());
            return;
        }
        String overflowsOf = floorRound ? variant.title() + " (stack floor rounds)" : variant.title();
        listenOverflows.merge(overflowsOf, listenOverflows() - overflowsBefore, Long::sum);
        for (RunResult result : results) {
            Samples row = samples.computeIfAbsent(rowName(result.getParams()), k -> new Samples());
            row.unit = result.getPrimaryResult().getScoreUnit();
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    row.time.add(iteration.getPrimaryResult().getScore());
                    Result<?> cpu = iteration.getSecondaryResults().get(ProcessCpu.LABEL);
                    row.cpu.add(cpu == null ? Double.NaN : cpu.getScore());
                }
            }
        }
    }

    private static String rowName(BenchmarkParams params) {
        String name = params.getBenchmark().substring(PACKAGE.length() + 1);
        List<String> values = new ArrayList<>();
        for (String key : params.getParamsKeys()) {
            values.add(params.getParam(key));
        }
        return values.isEmpty() ? name : name + " (" + String.join(", ", values) + ")";
    }

    /** Per benchmark class: the budget as a ratio to no agent. */
    private static double ratioBudget(String row) {
        return row.startsWith("RoundTrip") ? 1.01 : 1.03;
    }

    private void jmhTable(StringBuilder md, List<Variant> variants, Map<String, Map<String, Samples>> samples,
                          boolean cpu) {
        Map<String, Map<String, Score>> jmh = new LinkedHashMap<>();
        samples.forEach((variant, rows) -> {
            Map<String, Score> scores = new LinkedHashMap<>();
            rows.forEach((row, s) -> scores.put(row, s.score(cpu)));
            jmh.put(variant, scores);
        });
        Variant third = variants.get(2);
        if (cpu) {
            md.append("\n## JMH: CPU time of the benchmark JVM per operation\n\n");
            md.append("All its threads, user and system (the agent's own thread included; the other end's JVM"
                    + " is not counted), per operation: what the agent costs, without the waiting that makes"
                    + " the time per operation noisy on a small machine. Median ± 99.9% confidence"
                    + " half-width, in µs.\n\n");
        } else {
            md.append("\n## JMH: time per operation\n\n");
            md.append("Median of the measurement iterations over all rounds ± 99.9% confidence half-width of"
                    + " their mean, in µs per operation (lower is better); ratios to no agent with their"
                    + " propagated error. `Socket`, `SocketChannel`, … name the API used.\n\n");
        }
        md.append("| Benchmark | no agent | agent (defaults) | ").append(third.title())
                .append(" | agent ÷ none | ").append(third.key().equals("peer") ? "peer" : "thorough")
                .append(" ÷ none | budget | agent within budget |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        List<String> rows = new ArrayList<>();
        for (Map<String, Score> scores : jmh.values()) {
            for (String row : scores.keySet()) {
                if (!rows.contains(row)) {
                    rows.add(row);
                }
            }
        }
        for (String row : rows) {
            for (Variant v : variants) {
                if (!jmh.get(v.key()).containsKey(row) && !cpu) {
                    failures++;
                    notes.add(row + " has no result with " + v.title() + ": see the JMH output.");
                }
            }
            Score none = jmh.get("none").get(row);
            Score agent = jmh.get("agent").get(row);
            Score other = jmh.get(third.key()).get(row);
            double budget = ratioBudget(row);
            double[] agentRatio = ratio(agent, none);
            md.append("| ").append(row)
                    .append(" | ").append(score(none))
                    .append(" | ").append(score(agent))
                    .append(" | ").append(score(other))
                    .append(" | ").append(ratioText(agentRatio))
                    .append(" | ").append(ratioText(ratio(other, none)))
                    .append(" | ≤ ").append(String.format(Locale.ROOT, "%.2f×", budget))
                    .append(" | ").append(verdict(agentRatio, budget))
                    .append(" |\n");
        }
        if (rows.isEmpty()) {
            failures++;
            md.append("| (no benchmark produced a result: see the run's output) | | | | | | | |\n");
        }
    }

    /**
     * {@link StackFloor} beside {@link ConnectClose}, both without an agent, from the floor rounds:
     * what one stack per connection costs by itself, next to the agent's whole cost from the main rounds.
     */
    private void stackFloorTable(StringBuilder md, Map<String, Samples> floor, Map<String, Map<String, Samples>> jmh) {
        if (floor.isEmpty()) {
            return;
        }
        md.append("\n## JMH: the cost of a stack alone\n\n");
        md.append("`").append(FLOOR).append("` is `").append(FLOOR_BASE).append("` plus one `new Throwable()` per")
                .append(" connection, at the depth where the agent takes its own, with no agent: the least that any")
                .append(" agent capturing a stack for every socket adds. Both ran without an agent in ")
                .append(smoke ? 1 : FLOOR_ROUNDS).append(" interleaved rounds of their own, after the others")
                .append(smoke ? "." : " (each fork 3 × 1 s warm-up, 6 × 1 s measurement).")
                .append(" Median ± 99.9% confidence half-width; the agent's ratios are those of the tables")
                .append(" above.\n\n");
        md.append("| API | no agent | no agent + one stack | stack ÷ none (time) | stack ÷ none (CPU)"
                + " | agent ÷ none (time) | agent ÷ none (CPU) | budget |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String api : List.of(Connections.SOCKET, Connections.SOCKET_CHANNEL)) {
            Samples plain = floor.get(FLOOR_BASE + " (" + api + ")");
            Samples stack = floor.get(FLOOR + " (" + api + ")");
            Samples none = jmh.get("none").get(FLOOR_BASE + " (" + api + ")");
            Samples ours = jmh.get("agent").get(FLOOR_BASE + " (" + api + ")");
            if (plain == null || stack == null) {
                failures++;
                notes.add("The stack floor for " + api + " has no result: see the JMH output.");
                continue;
            }
            md.append("| ").append(api)
                    .append(" | ").append(score(scoreOf(plain, false)))
                    .append(" | ").append(score(scoreOf(stack, false)))
                    .append(" | ").append(ratioText(ratio(scoreOf(stack, false), scoreOf(plain, false))))
                    .append(" | ").append(ratioText(ratio(scoreOf(stack, true), scoreOf(plain, true))))
                    .append(" | ").append(ratioText(ratio(scoreOf(ours, false), scoreOf(none, false))))
                    .append(" | ").append(ratioText(ratio(scoreOf(ours, true), scoreOf(none, true))))
                    .append(" | ≤ ").append(String.format(Locale.ROOT, "%.2f×", ratioBudget(FLOOR_BASE)))
                    .append(" |\n");
        }
    }

    private static Score scoreOf(Samples samples, boolean cpu) {
        return samples == null ? null : samples.score(cpu);
    }

    private static String score(Score s) {
        if (s == null) {
            return "failed";
        }
        return Double.isNaN(s.error())
                ? String.format(Locale.ROOT, "%.2f", s.score())
                : String.format(Locale.ROOT, "%.2f ± %.2f", s.score(), s.error());
    }

    /** The ratio a / b and its error, or null when either is missing. */
    private static double[] ratio(Score a, Score b) {
        if (a == null || b == null) {
            return null;
        }
        double r = a.score() / b.score();
        double relative = Math.hypot(a.error() / a.score(), b.error() / b.score());
        return new double[] {r, r * relative};
    }

    private static String ratioText(double[] ratio) {
        if (ratio == null) {
            return "–";
        }
        return Double.isNaN(ratio[1])
                ? String.format(Locale.ROOT, "%.3f", ratio[0])
                : String.format(Locale.ROOT, "%.3f ± %.3f", ratio[0], ratio[1]);
    }

    private String verdict(double[] ratio, double budget) {
        if (smoke) {
            return "not judged (smoke)";
        }
        if (ratio == null) {
            return "–";
        }
        double error = Double.isNaN(ratio[1]) ? 0 : ratio[1];
        if (ratio[0] + error <= budget) {
            return "yes";
        }
        // The error bar straddles the budget: more iterations, or a quieter machine, would tell.
        return ratio[0] - error <= budget ? "unclear (within error)" : "**no**";
    }

    // ---------------------------------------------------------------- start-up

    /**
     * Each workload in fresh JVMs under GNU time, no agent and the agent alternating: wall time, CPU
     * time of the whole process and peak RSS, as the kernel counts them for the process, the JVM's own
     * threads (compiler, GC) included.
     */
    private String startup(Variant none, Variant agent) throws Exception {
        StringBuilder md = new StringBuilder("\n## Start-up, whole JVM\n\n");
        if (!Files.isExecutable(GNU_TIME)) {
            String skipped = "Not measured: " + GNU_TIME + " (GNU time, Debian package `time`) is missing.";
            System.out.println("=== start-up: " + skipped);
            return md.append(skipped).append('\n').toString();
        }
        int runs = smoke ? 2 : STARTUP_RUNS;
        md.append("Each run is a fresh JVM with default heap settings, started by `").append(GNU_TIME)
                .append(" -f '%e %U %S %M'`: wall time from start to exit, CPU time of the process (user +")
                .append(" system, all threads), peak resident set; GNU time counts to 10 ms. No agent and the")
                .append(" agent alternate, ").append(runs).append(" runs each, after one uncounted run of each")
                .append(" (jars into the page cache; the agent's self-check, in the notes). Medians; \"added\" is")
                .append(" the agent's median minus no agent's. `startupOneSocket`: a main that opens and closes")
                .append(" one loopback connection. `startupHeld`: a main that opens ")
                .append(WholeProcess.HELD_CONNECTIONS).append(" loopback connections to a server socket of its")
                .append(" own (").append(2 * WholeProcess.HELD_CONNECTIONS).append(" sockets), holds them ")
                .append(WholeProcess.HELD_MILLIS / 1000).append(" s and closes them (reset by the server side, so that")
                .append(" no run leaves TIME_WAIT entries to the next). The kernel's TCP tables,")
                .append(" which the agent's thread reads, held ").append(tcpTableEntries())
                .append(" entries when this started.\n\n");
        md.append(String.format(Locale.ROOT, "| Workload | no agent: wall | CPU | peak RSS | agent: wall | CPU"
                + " | peak RSS | added: wall (≤ +%.0f ms) | CPU (≤ +%.0f ms) | peak RSS (≤ +%.0f MiB) | met |\n",
                STARTUP_BUDGETS[0], STARTUP_BUDGETS[1], STARTUP_BUDGETS[2]));
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<Variant> variants = List.of(none, agent);
        Duration limit = Duration.ofMinutes(2);
        for (String workload : List.of("startupOneSocket", "startupHeld")) {
            System.out.println("=== start-up, " + workload + ", " + runs + " runs per variant");
            for (Variant v : variants) {
                ChildRun check = child(v.jvmArgs(), List.of(workload, "check"), workload + "-check-" + v.key(),
                        limit);
                agentCheck(v, workload, check);
            }
            Map<String, double[][]> measured = new LinkedHashMap<>(); // per variant: [run][wall, CPU, RSS]
            for (Variant v : variants) {
                measured.put(v.key(), new double[runs][]);
            }
            for (int run = 0; run < runs; run++) {
                for (Variant v : variants) {
                    measured.get(v.key())[run] = timedRun(v, workload, workload + "-" + v.key() + "-" + (run + 1),
                            limit);
                }
            }
            double[] noAgent = medians(measured.get(none.key()));
            double[] withAgent = medians(measured.get(agent.key()));
            double[] added = new double[3];
            List<String> over = new ArrayList<>();
            String[] measures = {"wall", "CPU", "peak RSS"};
            for (int i = 0; i < 3; i++) {
                added[i] = withAgent[i] - noAgent[i];
                if (!(added[i] <= STARTUP_BUDGETS[i])) { // NaN, a failed workload, is over too
                    over.add(measures[i]);
                }
            }
            md.append("| `").append(workload).append("` | ").append(startupCells(noAgent, "%.0f ms", "%.1f MiB"))
                    .append(startupCells(withAgent, "%.0f ms", "%.1f MiB"))
                    .append(startupCells(added, "%+.0f ms", "%+.1f MiB"))
                    .append(smoke ? "not judged (smoke)" : over.isEmpty() ? "yes"
                            : "**no** (" + String.join(", ", over) + ")").append(" |\n");
        }
        return md.toString();
    }

    /** Wall ms, CPU ms, peak RSS MiB of one run under GNU time; NaN for a failed run. */
    private double[] timedRun(Variant v, String workload, String name, Duration limit) throws Exception {
        Path times = work.resolve("logs/" + name + ".time");
        ChildRun run = child(List.of(GNU_TIME.toString(), "-f", "%e %U %S %M", "-o", times.toString()),
                v.jvmArgs(), List.of(workload), name, limit);
        List<String> lines = Files.exists(times) ? Files.readAllLines(times) : List.of();
        // The last line: GNU time puts "Command exited with non-zero status" before it.
        String[] fields = lines.isEmpty() ? new String[0] : lines.get(lines.size() - 1).trim().split(" ");
        if (run.failure() != null || fields.length != 4) {
            failures++;
            notes.add("Start-up run " + name + " with " + v.title() + " failed: "
                    + (run.failure() != null ? run.failure() : "no times in " + times) + ".");
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {Double.parseDouble(fields[0]) * 1000,
                (Double.parseDouble(fields[1]) + Double.parseDouble(fields[2])) * 1000,
                Long.parseLong(fields[3]) / 1024.0}; // GNU time's %M is in KiB
    }

    private static double[] medians(double[][] runs) {
        double[] medians = new double[3];
        for (int i = 0; i < 3; i++) {
            int measure = i;
            medians[i] = median(Arrays.stream(runs).mapToDouble(run -> run[measure]).toArray());
        }
        return medians;
    }

    private static String startupCells(double[] values, String millis, String mebibytes) {
        return cell(values[0], millis) + " | " + cell(values[1], millis) + " | " + cell(values[2], mebibytes) + " | ";
    }

    private static String cell(double value, String format) {
        return Double.isNaN(value) ? "failed" : String.format(Locale.ROOT, format, value);
    }

    /** Rows of /proc/net/tcp and tcp6, this network namespace's TCP sockets and TIME_WAIT entries. */
    private static String tcpTableEntries() {
        long rows = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                rows += Math.max(0, lines.count() - 1); // less the heading
            } catch (IOException e) {
                return "an unknown number of";
            }
        }
        return Long.toString(rows);
    }

    // ---------------------------------------------------------------- whole process

    private String wholeProcess(List<Variant> variants) throws Exception {
        List<Integer> heapSizes = smoke ? List.of(1_000) : List.of(10_000, 100_000);
        int reportSockets = smoke ? 1_000 : 10_000;
        int reportSites = smoke ? 100 : 1_000;
        int churn = smoke ? 3_000 : 1_000_000;
        int churnEvery = smoke ? 1_000 : 100_000;
        Duration limit = smoke ? Duration.ofMinutes(2) : Duration.ofMinutes(30);
        Variant third = variants.get(2);

        StringBuilder md = new StringBuilder("\n## Whole process\n\n");
        md.append("Each measurement is a fresh JVM per variant (other end of the connections in a JVM of its"
                + " own, without agent). \"added\" is the variant minus no agent.\n\n");
        md.append("| Measurement | no agent | agent (defaults) | ").append(third.title())
                .append(" | added by agent | added by ").append(third.key().equals("peer") ? "peer" : "thorough")
                .append(" | budget | agent within budget |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");

        for (int size : heapSizes) {
            Map<String, Double> perSocket = new LinkedHashMap<>();
            int measured = size;
            for (Variant v : variants) {
                System.out.println("=== heap, " + size + " open sockets, " + v.title());
                ChildRun run = child(with(v, "-XX:+UseSerialGC", "-Xmx2g"),
                        List.of("heap", Integer.toString(size)), "heap-" + size + "-" + v.key(), limit);
                perSocket.put(v.key(), number(run.get("bytesPerSocket")));
                if (size == heapSizes.get(heapSizes.size() - 1) && run.get("growthByClass") != null) {
                    notes.add("Heap per open socket with " + v.title() + ", largest classes (bytes per socket): "
                            + run.get("growthByClass").replace(",", ", ").replace(":", " "));
                }
                if (run.get("sockets") != null) {
                    measured = Integer.parseInt(run.get("sockets"));
                }
                agentCheck(v, "heap " + size, run);
            }
            if (measured != size) {
                notes.add("The heap measurement for " + size + " sockets opened only " + measured
                        + ": the open-file limit is too low (run.sh raises it to 262144 where the hard limit may be"
                        + " raised, which takes root with CAP_SYS_RESOURCE).");
            }
            row(md, "Heap retained per open socket, " + measured + " sockets from one call site (bytes)",
                    variants, perSocket, 250, "≤ 250 B added", "%.0f");
        }

        Map<String, Double> json = new LinkedHashMap<>();
        Map<String, Double> text = new LinkedHashMap<>();
        String seen = null;
        for (Variant v : variants) {
            if (v.key().equals("none") || v.key().equals("peer")) {
                continue; // no MXBean to ask
            }
            System.out.println("=== report, " + reportSockets + " sockets over " + reportSites + " call sites, "
                    + v.title());
            ChildRun run = child(with(v, "-Xmx1g"),
                    List.of("report", Integer.toString(reportSockets), Integer.toString(reportSites)),
                    "report-" + v.key(), limit);
            json.put(v.key(), number(run.get("reportJsonMillis")));
            text.put(v.key(), number(run.get("reportTextMillis")));
            if (v.key().equals("agent") && run.failure() == null) {
                seen = run.get("openSocketsInReport") + " open sockets and " + run.get("callSitesInReport")
                        + " call sites in the report (" + run.get("reportJsonBytes") + " characters of JSON;"
                        + " slowest of 11 runs " + run.get("reportJsonMaxMillis") + " ms)";
            }
            agentCheck(v, "report", run);
        }
        reportRow(md, "MXBean `reportJson()` with " + reportSockets + " open sockets over " + reportSites
                + " call sites (ms, median of 11)", variants, json, "≤ 50 ms");
        reportRow(md, "MXBean `report()` (text), same sockets (ms, median of 11)", variants, text, "–");
        if (seen != null) {
            notes.add("Report measurement: the agent saw " + seen + ".");
        }

        Map<String, String> churnCells = new LinkedHashMap<>();
        Map<String, Double> growth = new LinkedHashMap<>();
        Map<String, Double> rate = new LinkedHashMap<>();
        for (Variant v : variants) {
            System.out.println("=== churn, " + churn + " connections, " + v.title());
            ChildRun run = child(with(v, "-XX:+UseSerialGC", "-Xmx1g"),
                    List.of("churn", Integer.toString(churn), Integer.toString(churnEvery)), "churn-" + v.key(),
                    limit);
            agentCheck(v, "churn", run);
            rate.put(v.key(), number(run.get("connectionsPerSecond")));
            String samples = run.get("usedHeapSamples");
            if (samples == null) {
                churnCells.put(v.key(), "failed");
                continue;
            }
            double[] mb = Arrays.stream(samples.split(",")).mapToDouble(b -> Long.parseLong(b) / 1e6).toArray();
            // From the first batch on: the start includes classes loaded and code compiled once.
            double first = mb[1];
            double last = mb[mb.length - 1];
            growth.put(v.key(), last - first);
            churnCells.put(v.key(), String.format(Locale.ROOT, "%.2f → %.2f (max %.2f)", first, last,
                    Arrays.stream(mb).skip(1).max().orElse(first)));
        }
        md.append("| Used heap after GC during ").append(churn).append(" connect+close, after the first ")
                .append(churnEvery).append(" → at the end (MB) | ");
        for (Variant v : variants) {
            md.append(churnCells.getOrDefault(v.key(), "failed")).append(" | ");
        }
        md.append(diff(growth, "agent", "none", "%+.2f MB")).append(" | ")
                .append(diff(growth, third.key(), "none", "%+.2f MB")).append(" | flat | ");
        Double agentGrowth = growth.get("agent");
        Double noneGrowth = growth.get("none");
        md.append(smoke ? "not judged (smoke)"
                : agentGrowth == null || noneGrowth == null ? "–"
                : agentGrowth - noneGrowth < 1.0 ? "yes (< 1 B per connection)" : "**no**").append(" |\n");
        row(md, "Connect+close rate during the churn (connections/s)", variants, rate, Double.NaN, "–", "%.0f");
        return md.toString();
    }

    private void row(StringBuilder md, String name, List<Variant> variants, Map<String, Double> values,
                     double addedBudget, String budgetText, String format) {
        md.append("| ").append(name).append(" | ");
        for (Variant v : variants) {
            Double value = values.get(v.key());
            md.append(value == null || value.isNaN() ? "failed" : String.format(Locale.ROOT, format, value))
                    .append(" | ");
        }
        md.append(diff(values, "agent", "none", "%+" + format.substring(1))).append(" | ")
                .append(diff(values, variants.get(2).key(), "none", "%+" + format.substring(1))).append(" | ")
                .append(budgetText).append(" | ");
        Double added = difference(values, "agent", "none");
        md.append(Double.isNaN(addedBudget) ? "–"
                : smoke ? "not judged (smoke)"
                : added == null ? "–"
                : added <= addedBudget ? "yes" : "**no**").append(" |\n");
    }

    private void reportRow(StringBuilder md, String name, List<Variant> variants, Map<String, Double> values,
                           String budgetText) {
        md.append("| ").append(name).append(" | ");
        for (Variant v : variants) {
            Double value = values.get(v.key());
            md.append(!values.containsKey(v.key()) ? "– (no MXBean)"
                    : value.isNaN() ? "failed" : String.format(Locale.ROOT, "%.1f", value)).append(" | ");
        }
        md.append("– | – | ").append(budgetText).append(" | ");
        Double agent = values.get("agent");
        md.append(budgetText.equals("–") ? "–"
                : smoke ? "not judged (smoke)"
                : agent == null || agent.isNaN() ? "–"
                : agent <= 50 ? "yes" : "**no**").append(" |\n");
    }

    private static Double difference(Map<String, Double> values, String a, String b) {
        Double x = values.get(a);
        Double y = values.get(b);
        return x == null || y == null || x.isNaN() || y.isNaN() ? null : x - y;
    }

    private static String diff(Map<String, Double> values, String a, String b, String format) {
        Double d = difference(values, a, b);
        return d == null ? "–" : String.format(Locale.ROOT, format, d);
    }

    private void agentCheck(Variant v, String measurement, ChildRun run) {
        if (run.failure() != null) {
            failures++;
            notes.add(measurement + " with " + v.title() + " failed: " + run.failure());
            return;
        }
        if (run.get("agentOpened") != null) {
            if (!"0".equals(run.get("agentMissingHooks")) || !"0".equals(run.get("agentSwallowedFailures"))) {
                notes.add("**The agent reported a problem of its own** in " + measurement + " with " + v.title()
                        + ": missing hooks " + run.get("agentMissingHooks") + ", swallowed failures "
                        + run.get("agentSwallowedFailures") + ". Its numbers there may understate its cost.");
            }
            agentChecks.add(String.format("%s, %s: %s sockets tracked, %s missing hooks, %s swallowed failures,"
                            + " %s open sockets not stored", measurement, v.title(), run.get("agentOpened"),
                    run.get("agentMissingHooks"), run.get("agentSwallowedFailures"),
                    run.get("agentNotStoredOpen")));
        }
    }

    private static List<String> with(Variant v, String... jvmArgs) {
        List<String> all = new ArrayList<>(List.of(jvmArgs));
        all.addAll(v.jvmArgs());
        return all;
    }

    /** Runs {@link WholeProcess} in a child JVM; its output is kept under {@code work/logs}. */
    private ChildRun child(List<String> jvmArgs, List<String> args, String name, Duration limit) throws Exception {
        return child(List.of(), jvmArgs, args, name, limit);
    }

    /** The same, the JVM started by the {@code wrapper} command (GNU time). */
    private ChildRun child(List<String> wrapper, List<String> jvmArgs, List<String> args, String name,
                           Duration limit) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.add(java);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WholeProcess.class.getName()));
        command.addAll(args);
        Path stdout = work.resolve("logs/" + name + ".out");
        Path stderr = work.resolve("logs/" + name + ".err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        String failure = null;
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // the JVM under a wrapper
            process.destroyForcibly().waitFor();
            failure = "no result within " + limit.toMinutes() + " min (see " + stderr + ")";
        } else if (process.exitValue() != 0) {
            failure = "exit status " + process.exitValue() + " (see " + stderr + ")";
        }
        Map<String, String> results = new TreeMap<>();
        for (String line : Files.readAllLines(stdout)) {
            String[] parts = line.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("result")) {
                results.put(parts[1], parts[2]);
            }
        }
        return new ChildRun(results, failure);
    }

    // ---------------------------------------------------------------- the machine

    private void header(StringBuilder md, List<Variant> variants, String loadAtStart, Duration took)
            throws IOException {
        md.append("# Socket Leak Detector: benchmark results\n\n");
        if (smoke) {
            md.append("> **Smoke run**: one 200 ms iteration per benchmark and tiny whole-process sizes. It"
                    + " shows that the suite runs; its numbers say nothing about speed.\n\n");
        }
        md.append("Written by `benchmarks/run.sh").append(smoke ? " --smoke" : "")
                .append(onlyStartup ? " --only-startup" : partial ? " --only '" + only + "'" : "").append("` on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(", in ").append(took.toMinutes()).append(" min ").append(took.toSecondsPart())
                .append(" s.\n\n");
        md.append("| Machine | |\n|---|---|\n");
        md.append("| CPUs (nproc) | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| CPU model | ").append(procField("/proc/cpuinfo", "model name")).append(" |\n");
        md.append("| Memory | ").append(procField("/proc/meminfo", "MemTotal")).append(" |\n");
        md.append("| Kernel | ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append(" |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vm.vendor")).append(") |\n");
        String jmhSetup = smoke ? "smoke: 1 fork, no warm-up, 1 × 200 ms iteration"
                : JMH_ROUNDS + " rounds of one fork per variant, interleaved; each fork 3 × 2 s warm-up,"
                + " 5 × 2 s measurement";
        md.append("| JMH | ").append(onlyStartup ? "not run (`--only-startup`)"
                : Version.getPlainVersion() + ", " + jmhSetup).append(" |\n");
        md.append("| Network | ").append("private".equals(System.getenv("BENCH_NETNS"))
                        ? "private network namespace (loopback only, isolated from the host's ports)"
                        : "the host's network namespace")
                .append("; tcp_tw_reuse=").append(read("/proc/sys/net/ipv4/tcp_tw_reuse"))
                .append(", ephemeral ports ").append(read("/proc/sys/net/ipv4/ip_local_port_range")
                        .replaceAll("\\s+", "-"))
                .append(" |\n");
        md.append("| Open-file limit | ").append(openFileLimit()).append(" |\n");
        md.append("| Load average (1, 5, 15 min) | at start ").append(loadAtStart).append(", at end ")
                .append(loadAverage()).append(" |\n");
        md.append("\nVariants (each JVM's extra arguments):\n\n");
        for (Variant v : variants) {
            md.append("- **").append(v.title()).append("**: `")
                    .append(v.jvmArgs().isEmpty() ? "(none)" : String.join(" ", v.jvmArgs()))
                    .append("`\n");
        }
    }

    private static String procField(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux: say so below.
        }
        return "unknown";
    }

    /** Not {@code Files.readString}: it sizes its read by the file's size, which /proc gets wrong. */
    private static String read(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        String[] parts = read("/proc/loadavg").split(" ", -1);
        return parts.length >= 3 ? String.join(", ", parts[0], parts[1], parts[2]) : "unknown";
    }

    private static String openFileLimit() throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.exists(limits)) {
            return "unknown";
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+", -1);
                return parts[0] + " (hard " + parts[1] + ")";
            }
        }
        return "unknown";
    }

    /** The kernel's count of connections dropped because an accept queue was full. */
    private static long listenOverflows() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        } catch (IOException e) {
            return 0;
        }
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            List<String> names = Arrays.asList(lines.get(i).split(" "));
            String[] values = lines.get(i + 1).split(" ", -1);
            int at = names.indexOf("ListenOverflows");
            if (names.get(0).equals("TcpExt:") && at > 0 && at < values.length) {
                return Long.parseLong(values[at]);
            }
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private static double number(String value) {
        try {
            return value == null ? Double.NaN : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String required(Map<String, String> args, String key) {
        String value = args.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value;
    }
}
