package io.socketleak.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run comes to, from its counters and leaks: leaks found or not, and what else needs a look
 * (ports or descriptors filling up, refusals by the kernel, the agent's own trouble).
 */
record Verdict(State state, long leaks, long openSockets, Double worstPortUse, String worstDestination,
               double warnAt, List<String> findings) {
    /** Red, amber, green. */
    enum State {
        BAD("bad"), WARN("warn"), GOOD("good");

        final String css;

        State(String css) {
            this.css = css;
        }
    }

    /** The agent's default {@code warnAt}, for reports that do not say theirs. */
    static final double DEFAULT_WARN_AT = 0.8;

    static Verdict of(Map<String, Object> report) {
        List<String> findings = new ArrayList<>();
        long leaks = 0;
        long collected = 0;
        long closeWait = 0;
        long openAtExit = 0;
        for (Map<String, Object> leak : Fields.maps(report, "leaks")) {
            long count = Math.max(1, Fields.count(leak, "count", 1));
            leaks += count;
            switch (String.valueOf(Fields.string(leak, "kind"))) {
                case "collected" -> collected += count;
                case "closeWait" -> closeWait += count;
                case "openAtExit" -> openAtExit += count;
                default -> {
                    // a kind this page does not know yet: counted in the total
                }
            }
        }
        if (collected > 0) {
            findings.add(plural(collected, "socket", "sockets") + " garbage-collected without close()");
        }
        if (closeWait > 0) {
            findings.add(plural(closeWait, "socket", "sockets") + " left open after the peer closed (CLOSE_WAIT)");
        }
        if (openAtExit > 0) {
            findings.add(plural(openAtExit, "socket", "sockets") + " still open at exit");
        }
        Map<String, Object> exhaustions = Fields.map(report, "exhaustions");
        long refusedPorts = Fields.count(exhaustions, "ports", 0);
        long refusedDescriptors = Fields.count(exhaustions, "fileDescriptors", 0);
        if (refusedPorts > 0) {
            findings.add("the kernel refused " + plural(refusedPorts, "socket operation", "socket operations")
                    + " for lack of ports");
        }
        if (refusedDescriptors > 0) {
            findings.add("the kernel refused " + plural(refusedDescriptors, "socket operation", "socket operations")
                    + " for lack of file descriptors");
        }
        String lastRefusal = Fields.string(exhaustions, "lastMessage");
        if (lastRefusal != null && refusedPorts + refusedDescriptors > 0) {
            findings.add("the latest refusal: " + lastRefusal);
        }

        double warnAt = Fields.positive(Fields.map(report, "history"), "warnAt", DEFAULT_WARN_AT);
        Double worst = null;
        String worstRemote = null;
        for (Map<String, Object> destination : Fields.maps(report, "destinations")) {
            Double use = utilization(destination);
            if (use != null && (worst == null || use > worst)) {
                worst = use;
                worstRemote = Fields.string(destination, "remote");
            }
        }
        boolean warn = false;
        if (worst != null && worst >= warnAt) {
            warn = true;
            findings.add("ports to " + worstRemote + " are " + Format.percent(worst) + " in use (warning at "
                    + Format.percent(warnAt) + ")");
        }
        Double descriptors = Fields.number(Fields.map(report, "fileDescriptors"), "utilization");
        if (descriptors != null && descriptors >= warnAt) {
            warn = true;
            findings.add("file descriptors are " + Format.percent(descriptors) + " in use");
        }
        long openSockets = Fields.count(report, "openSockets", 0);
        // The exit report's own list (closeWait leaks left out), else, from an older agent, its open count.
        long stillOpen = 0;
        for (Map<String, Object> open : Fields.maps(report, "openAtExit")) {
            stillOpen += Math.max(1, Fields.count(open, "count", 1));
        }
        if (!(report.get("openAtExit") instanceof List)) {
            stillOpen = openSockets;
        }
        if (Fields.flag(report, "atExit") && stillOpen > 0 && openAtExit == 0) {
            warn = true;
            findings.add(plural(stillOpen, "socket was", "sockets were") + " still open at exit");
        }
        Map<String, Object> agent = Fields.map(report, "agent");
        List<String> missing = Fields.strings(agent, "missingHooks");
        long swallowed = Fields.count(agent, "swallowedFailures", 0);
        long notCaptured = Fields.count(Fields.map(agent, "stacks"), "notCaptured", 0);
        if (!missing.isEmpty() || swallowed > 0 || notCaptured > 0) {
            warn = true;
            findings.add("the agent reports trouble of its own (see Agent health)");
        }
        State state = leaks > 0 || refusedPorts > 0 || refusedDescriptors > 0 ? State.BAD
                : warn ? State.WARN : State.GOOD;
        return new Verdict(state, leaks, openSockets, worst, worstRemote, warnAt, List.copyOf(findings));
    }

    String headline() {
        return leaks == 0 ? "No socket leaks found" : plural(leaks, "socket leak", "socket leaks") + " found";
    }

    /** A destination's share of its ports in use, as reported or from its counts. */
    static Double utilization(Map<String, Object> destination) {
        Double reported = Fields.number(destination, "utilization");
        if (reported != null) {
            return reported;
        }
        Double capacity = Fields.number(destination, "portCapacity");
        Double inUse = portsInUse(destination);
        return capacity == null || capacity <= 0 || inUse == null ? null : inUse / capacity;
    }

    static Double portsInUse(Map<String, Object> destination) {
        Double reported = Fields.number(destination, "portsInUse");
        if (reported != null) {
            return reported;
        }
        Double open = Fields.number(destination, "open");
        Double timeWait = Fields.number(destination, "timeWait");
        return open == null ? null : open + (timeWait == null ? 0 : timeWait);
    }

    static String plural(long n, String one, String many) {
        return Format.count(n) + " " + (n == 1 ? one : many);
    }
}
