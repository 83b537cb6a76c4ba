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
     * The leaks of these reports. A report written at exit ({@code "atExit": true}) counts each call
     * site's sockets still open as {@code openAtExit}; its {@code leaks[]} may list the same sockets
     * (with the agent's {@code failOnLeak}), which are then not counted twice.
     */
    static TestLeaks of(List<ReportDirectory.TestJvm> jvms, List<Allow> allowed) {
        List<String> prefixes = new ArrayList<>();
        for (Allow allow : allowed) {
            prefixes.add(allow.getPrefix());
        }
        Map<List<String>, Tally> tallies = new LinkedHashMap<>();
        for (ReportDirectory.TestJvm jvm : jvms) {
            boolean atExit = Boolean.TRUE.equals(jvm.report().get("atExit"));
            for (Map<String, Object> leak : objects(jvm.report().get("leaks"))) {
                String kind = text(leak.get("kind"));
                if (atExit && OPEN_AT_EXIT.equals(kind)) {
                    continue;
                }
                Object count = leak.get("count");
                add(tallies, kind, leak, count instanceof Number n ? n.longValue() : 1, jvm.name());
            }
            if (atExit) {
                for (Map<String, Object> site : objects(jvm.report().get("callSites"))) {
                    if (site.get("open") instanceof Number open && open.longValue() > 0) {
                        add(tallies, OPEN_AT_EXIT, site, open.longValue(), jvm.name());
                    }
                }
            }
        }
        List<CallSite> sites = new ArrayList<>();
        for (Tally t : tallies.values()) {
            int match = FramePrefixes.firstMatch(t.frames, prefixes);
            sites.add(new CallSite(t.kind, t.blame, t.frames, t.count, t.jvms, match < 0 ? null : allowed.get(match)));
        }
        sites.sort(Comparator.comparingLong(CallSite::count).reversed()
                .thenComparing(CallSite::blame).thenComparing(CallSite::kind));
        return new TestLeaks(List.copyOf(sites));
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

    private static void add(Map<List<String>, Tally> tallies, String kind, Map<String, Object> entry, long count, String jvm) {
        String blame = text(entry.get("blame"));
        Tally tally = tallies.computeIfAbsent(List.of(kind, blame), k -> new Tally(kind, blame, strings(entry.get("frames"))));
        tally.count += count;
        tally.jvms.add(jvm);
    }

    private static final class Tally {
        final String kind;
        final String blame;
        final List<String> frames;
        final Set<String> jvms = new LinkedHashSet<>();
        long count;

        Tally(String kind, String blame, List<String> frames) {
            this.kind = kind;
            this.blame = blame;
            this.frames = frames;
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
