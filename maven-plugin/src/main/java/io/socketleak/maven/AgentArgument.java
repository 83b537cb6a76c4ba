package io.socketleak.maven;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The {@code -javaagent:} argument a test JVM gets, and how it joins an existing argument line. */
final class AgentArgument {
    /** The report path's {@code %p} is the test JVM's pid: one file per JVM, forks included. */
    static final String REPORT_FILE = "socket-leak-%p.json";
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private AgentArgument() {
    }

    /**
     * {@code -javaagent:<jar>=report=<dir>/socket-leak-%p.json[,key=value...]}, quoted when a path has
     * white space (Surefire and Failsafe split their argLine as a shell would).
     *
     * @throws IllegalArgumentException naming the option or path the agent could not read
     */
    static String of(Path agentJar, Path reportDirectory, Map<String, String> options) {
        StringBuilder argument = new StringBuilder("-javaagent:").append(agentJar).append('=')
                // The agent reads % in the report path as the start of %p or %%.
                .append("report=").append(reportDirectory.toString().replace("%", "%%"))
                .append(reportDirectory.getFileSystem().getSeparator()).append(REPORT_FILE);
        for (Map.Entry<String, String> option : new TreeMap<>(options).entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (key == null || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("options: '" + key + "' is not an option name (e.g. closeWaitAfter)");
            }
            if (key.equals("report")) {
                throw new IllegalArgumentException("options: report is the plugin's own (each test JVM writes its JSON report to "
                        + reportDirectory + "); set reportDirectory to move it");
            }
            if (key.equals("failOnLeak")) {
                // The agent would halt the test JVM with status 3, which Surefire reports as a crashed
                // fork and not as a leak; check is the build's gate, naming each line.
                throw new IllegalArgumentException("options: failOnLeak would halt the test JVM, which Surefire reports "
                        + "as a crashed fork; the check goal fails the build on leaks instead (see its failOn and maxLeaks)");
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("options: " + key + " has no value");
            }
            if (value.indexOf(',') >= 0) {
                throw new IllegalArgumentException("options: the value of " + key + " ('" + value
                        + "') contains a comma, which separates the agent's options; give one value per option");
            }
            argument.append(',').append(key).append('=').append(value.trim());
        }
        String text = argument.toString();
        if (pathHasComma(agentJar, reportDirectory)) {
            throw new IllegalArgumentException("a path contains a comma, which separates the agent's options: " + text);
        }
        if (text.indexOf('"') >= 0) {
            throw new IllegalArgumentException("a double quote in the agent's argument cannot be passed to the test JVM: " + text);
        }
        return needsQuotes(text) ? '"' + text + '"' : text;
    }

    /** The property's new value: the existing one (JaCoCo's agent, say) kept, ours after it. */
    static String appendTo(String existing, String argument) {
        if (existing == null || existing.isBlank()) {
            return argument;
        }
        return existing.strip() + ' ' + argument;
    }

    private static boolean pathHasComma(Path agentJar, Path reportDirectory) {
        return agentJar.toString().indexOf(',') >= 0 || reportDirectory.toString().indexOf(',') >= 0;
    }

    private static boolean needsQuotes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
