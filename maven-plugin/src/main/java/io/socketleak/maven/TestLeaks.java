package io.socketleak.maven;

import io.socketleak.protocol.FramePrefixes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The leaks of all test JVMs, by kind and call site, as {@code check} judges and prints them. */
final class TestLeaks {
    static final String COLLECTED = "collected";
    static final String CLOSE_WAIT = "closeWait";
    static final String OPEN_AT_EXIT = "openAtExit";
    static final List<String> KINDS = List.of(COLLECTED, CLOSE_WAIT, OPEN_AT_EXIT);

    /** One kind of leak at one call site, over every test JVM; {@code allowedBy} null when counted. */
    record CallSite(String kind, String blame, List<String> frames, long count, Set<String> jvms, Allow allowedBy) {
    }

    private final List<CallSite> callSites;

    private TestLeaks(List<CallSite> callSites) {
        this.callSites = callSites;
    }

    List<CallSite> callSites() {
        return callSites;
    }

    /**
     * The leaks of these reports. A report written at exit ({@code "atExit": true}) lists the sockets
     * still open in {@code openAtExit[]}, without those already counted as {@code closeWait} leaks;
     * its {@code leaks[]} may list the same sockets again (with the agent's {@code failOnLeak}), which
     * are then not counted twice. An exit report of an older agent has no {@code openAtExit} field:
     * its call sites' {@code open} counts are taken instead.
     */
    static TestLeaks of(List<ReportDirectory.TestJvm> jvms, List<Allow> allowed) {
        List<String> prefixes = new ArrayList<>();
        for (Allow allow : allowed) {
            prefixes.add(allow.getPrefix());
        }
        Tallies tallies = new Tallies(prefixes);
        for (ReportDirectory.TestJvm jvm : jvms) {
            Map<String, Object> report = jvm.report();
            boolean atExit = Boolean.TRUE.equals(report.get("atExit"));
            for (Map<String, Object> leak : objects(report.get("leaks"))) {
                String kind = text(leak.get("kind"));
                if (atExit && OPEN_AT_EXIT.equals(kind)) {
                    continue;
                }
                tallies.add(kind, leak, count(leak), jvm.name());
            }
            if (atExit && report.containsKey(OPEN_AT_EXIT)) {
                for (Map<String, Object> open : objects(report.get(OPEN_AT_EXIT))) {
                    tallies.add(OPEN_AT_EXIT, open, count(open), jvm.name());
                }
            } else if (atExit) {
                for (Map<String, Object> site : objects(report.get("callSites"))) {
                    if (site.get("open") instanceof Number open && open.longValue() > 0) {
                        tallies.add(OPEN_AT_EXIT, site, open.longValue(), jvm.name());
                    }
                }
            }
        }
        List<CallSite> sites = new ArrayList<>();
        for (Tally t : tallies.byKey.values()) {
            sites.add(new CallSite(t.kind, t.blame, t.frames, t.count, t.jvms, t.allow < 0 ? null : allowed.get(t.allow)));
        }
        // Allowed after counted: one line may show both, and its counted part is the one to read first.
        sites.sort(Comparator.comparingLong(CallSite::count).reversed()
                .thenComparing(CallSite::blame).thenComparing(CallSite::kind)
                .thenComparing(site -> site.allowedBy() != null));
        return new TestLeaks(List.copyOf(sites));
    }

    /** A leak entry's {@code count}; absent is one socket. */
    private static long count(Map<String, Object> entry) {
        return entry.get("count") instanceof Number n ? n.longValue() : 1;
    }

    /** The call sites that fail the build: a kind in {@code failOn}, not allowed. */
    List<CallSite> counted(Set<String> failOn) {
        List<CallSite> counted = new ArrayList<>();
        for (CallSite site : callSites) {
            if (site.allowedBy() == null && failOn.contains(site.kind())) {
                counted.add(site);
            }
        }
        return counted;
    }

    static long total(List<CallSite> sites) {
        long total = 0;
        for (CallSite site : sites) {
            total += site.count();
        }
        return total;
    }

    /**
     * Entries merged by kind, blame and the allow entry that matched their own frames: the allow-list
     * is decided per entry, so that two stacks blaming one line (one through an allowed library, one
     * not) stay apart whatever order the reports are read in.
     */
    private static final class Tallies {
        final List<String> prefixes;
        final Map<List<Object>, Tally> byKey = new LinkedHashMap<>();

        Tallies(List<String> prefixes) {
            this.prefixes = prefixes;
        }

        void add(String kind, Map<String, Object> entry, long count, String jvm) {
            String blame = text(entry.get("blame"));
            List<String> frames = strings(entry.get("frames"));
            int allow = FramePrefixes.firstMatch(frames, prefixes);
            Tally tally = byKey.computeIfAbsent(List.of(kind, blame, allow), k -> new Tally(kind, blame, frames, allow));
            tally.count += count;
            tally.jvms.add(jvm);
        }
    }

    private static final class Tally {
        final String kind;
        final String blame;
        final List<String> frames;
        final int allow;
        final Set<String> jvms = new LinkedHashSet<>();
        long count;

        Tally(String kind, String blame, List<String> frames, int allow) {
            this.kind = kind;
            this.blame = blame;
            this.frames = frames;
            this.allow = allow;
        }
    }

    private static String text(Object value) {
        return value == null ? "(unknown)" : value.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Object value) {
        List<Map<String, Object>> objects = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?>) {
                    objects.add((Map<String, Object>) item);
                }
            }
        }
        return objects;
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item != null) {
                    strings.add(item.toString());
                }
            }
        }
        return List.copyOf(strings);
    }
}
