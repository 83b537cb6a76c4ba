package io.socketleak.junit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a failed check, written so that a developer can act on it from the build log alone:
 * each leaking call site once (with how many sockets, what happened to them, where they went, the
 * line to blame and a short stack), then how to allow a socket that is meant to stay open.
 */
final class FailureMessage {
    /** Enough of the stack to see who called the blamed line. */
    static final int FRAMES_SHOWN = 8;
    private static final int LISTED = 3;

    private FailureMessage() {
    }

    /**
     * @param scope      what was checked, e.g. {@code class com.acme.FooTest}
     * @param singleTest whether the scope is one test (else a test class)
     * @param grace      the grace period as the user writes it, e.g. {@code 2s}
     * @param complete   false when the agent had dropped old leak records
     */
    static String render(String scope, boolean singleTest, String grace, List<Finding> findings, boolean complete) {
        Map<List<String>, List<Finding>> sites = new LinkedHashMap<>();
        int sockets = 0;
        for (Finding finding : findings) {
            sites.computeIfAbsent(List.of(finding.kind(), finding.blame()), k -> new ArrayList<>()).add(finding);
            sockets++;
        }
        StringBuilder out = new StringBuilder();
        out.append(plural(sockets, "socket")).append(" leaked by ").append(scope).append(" (")
                .append(plural(sites.size(), "call site")).append("):\n");
        List<List<Finding>> ordered = new ArrayList<>(sites.values());
        // Leaks before sockets merely open, then by line: the same leaks read the same in every run.
        ordered.sort(Comparator.comparingInt((List<Finding> site) -> rank(site.get(0).kind()))
                .thenComparing(site -> site.get(0).blame()));
        int number = 0;
        for (List<Finding> site : ordered) {
            out.append('\n');
            appendSite(out, ++number, site, singleTest, grace);
        }
        if (!complete) {
            out.append("\n(The agent had dropped its oldest leak records, so leaks of this scope may be missing.)\n");
        }
        appendHowToAllow(out, ordered.get(0).get(0).blame(), singleTest);
        return out.toString();
    }

    private static void appendSite(StringBuilder out, int number, List<Finding> site, boolean singleTest, String grace) {
        Finding first = site.get(0);
        int count = 0;
        Set<String> remotes = new LinkedHashSet<>();
        Set<String> threads = new LinkedHashSet<>();
        for (Finding finding : site) {
            count++;
            remotes.add(finding.remote());
            threads.add('"' + finding.thread() + '"');
        }
        out.append(number).append(") ").append(describe(first.kind(), singleTest, grace)).append(": ")
                .append(plural(count, "socket")).append(" opened at ").append(first.blame()).append('\n');
        out.append("   ").append(first.inbound() ? "accepted from " : "to ").append(list(remotes))
                .append(" on thread ").append(list(threads)).append('\n');
        if (first.origin() != null) {
            out.append("   (").append(first.origin()).append(")\n");
        }
        List<String> frames = withoutReflection(first.frames());
        for (String frame : frames.subList(0, Math.min(FRAMES_SHOWN, frames.size()))) {
            out.append("       at ").append(frame).append('\n');
        }
        if (frames.size() > FRAMES_SHOWN) {
            out.append("       ... ").append(frames.size() - FRAMES_SHOWN).append(" more\n");
        }
    }

    private static int rank(String kind) {
        return switch (kind) {
            case Finding.COLLECTED -> 0;
            case Finding.CLOSE_WAIT -> 1;
            case Finding.STILL_OPEN -> 3;
            default -> 2;
        };
    }

    /** The JDK's reflective plumbing between JUnit and a test method says nothing about the leak. */
    static List<String> withoutReflection(List<String> frames) {
        List<String> kept = new ArrayList<>();
        for (String frame : frames) {
            String code = AllowList.withoutModule(frame);
            if (!code.startsWith("jdk.internal.reflect.") && !code.startsWith("java.lang.reflect.")
                    && !code.startsWith("java.lang.invoke.")) {
                kept.add(frame);
            }
        }
        return kept;
    }

    /** What happened to the sockets, in the user's words. */
    static String describe(String kind, boolean singleTest, String grace) {
        return switch (kind) {
            case Finding.COLLECTED -> "dropped without close()";
            case Finding.CLOSE_WAIT -> "left in CLOSE_WAIT";
            case Finding.STILL_OPEN -> "still open after the " + (singleTest ? "test" : "test class") + " (grace "
                    + grace + ")";
            default -> "leaked (" + kind + ")";
        };
    }

    private static void appendHowToAllow(StringBuilder out, String blame, boolean singleTest) {
        String prefix = prefixOf(blame);
        out.append("\nClose each socket in the code that opens it (try-with-resources), before the ")
                .append(singleTest ? "test" : "test class").append(" ends. A socket meant to outlive it")
                .append(" (a client pool shared by the tests, say) can be allowed by a frame prefix, with the reason:\n");
        out.append("  @AllowSockets(from = \"").append(prefix)
                .append("\", reason = \"...\") on the test class or method, or\n");
        out.append("  -D").append(AllowList.PROPERTY).append('=').append(prefix)
                .append("=<reason> (comma-separated prefix=reason entries)");
    }

    /** {@code com.acme.Pool.borrow(Pool.java:12)} becomes {@code com.acme.Pool.borrow}: an example prefix. */
    static String prefixOf(String blame) {
        String code = AllowList.withoutModule(blame);
        int paren = code.indexOf('(');
        String prefix = paren < 0 ? code : code.substring(0, paren);
        return prefix.isEmpty() || prefix.equals("?") ? "com.acme.SharedPool" : prefix;
    }

    private static String list(Set<String> items) {
        List<String> all = new ArrayList<>(items);
        if (all.size() <= LISTED) {
            return String.join(", ", all);
        }
        return String.join(", ", all.subList(0, LISTED)) + " and " + (all.size() - LISTED) + " more";
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
