package io.socketleak.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What check prints: the summary of every leak, and the failure's message naming each counted line. */
final class CheckOutput {
    private CheckOutput() {
    }

    static List<String> summary(TestLeaks leaks, int jvmCount, Path directory) {
        List<String> lines = new ArrayList<>();
        if (leaks.callSites().isEmpty()) {
            lines.add("No socket leaks in " + jvms(jvmCount) + " (" + directory + ")");
            return lines;
        }
        lines.add("Socket leaks in " + jvms(jvmCount) + " (" + directory + "), by call site:");
        for (TestLeaks.CallSite site : leaks.callSites()) {
            String line = "  " + describe(site, jvmCount);
            if (site.allowedBy() != null) {
                line += " [allowed: " + site.allowedBy().getReason() + "]";
            }
            lines.add(line);
        }
        return lines;
    }

    /**
     * One warning per report the JVM did not write at its exit ({@code "atExit": true} absent): a JVM
     * killed, halted or crashed, whose sockets still open at exit, and leaks found after its last
     * report, are not known.
     */
    static List<String> notWrittenAtExit(List<ReportDirectory.TestJvm> jvms) {
        List<String> warnings = new ArrayList<>();
        for (ReportDirectory.TestJvm jvm : jvms) {
            if (!Boolean.TRUE.equals(jvm.report().get("atExit"))) {
                warnings.add(jvm.file() + " was not written at the test JVM's exit (was it killed, halted or did it crash?): "
                        + "its sockets open at exit, and leaks after that report, are not checked");
            }
        }
        return warnings;
    }

    static String failure(List<TestLeaks.CallSite> counted, long total, long maxLeaks, int jvmCount, Path directory) {
        StringBuilder message = new StringBuilder()
                .append(total).append(total == 1 ? " socket leaked" : " sockets leaked").append(" in the tests")
                .append(maxLeaks > 0 ? " (more than maxLeaks=" + maxLeaks + ")" : "").append(':');
        for (TestLeaks.CallSite site : counted) {
            message.append("\n  ").append(describe(site, jvmCount));
        }
        return message.append("\nReports: ").append(directory)
                .append(". Close these sockets, or allow a call site in the plugin's <allowed> with a reason.")
                .toString();
    }

    /** {@code collected: 2 sockets at com.acme.Client.fetch(Client.java:42), in 1 of 3 test JVMs} (the JVMs when more than one). */
    private static String describe(TestLeaks.CallSite site, int jvmCount) {
        String text = site.kind() + ": " + site.count() + (site.count() == 1 ? " socket" : " sockets") + " at " + site.blame();
        return jvmCount == 1 ? text : text + ", in " + site.jvms().size() + " of " + jvmCount + " test JVMs";
    }

    private static String jvms(int count) {
        return count + (count == 1 ? " test JVM" : " test JVMs");
    }
}
