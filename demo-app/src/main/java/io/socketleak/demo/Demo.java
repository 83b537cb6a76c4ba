package io.socketleak.demo;

import java.util.Locale;

/**
 * Plays the classic socket mistakes one after another against a server on 127.0.0.1, so that the
 * Socket Leak Detector agent (attached with -javaagent) can show each one with its line of code.
 *
 * <pre>
 * java -javaagent:agent/target/socket-leak-agent.jar=closeWaitAfter=2s -jar demo-app/target/socket-leak-demo.jar
 *      [--requests N] [--close-wait-seconds S]
 * </pre>
 */
public final class Demo {
    private static final String USAGE =
            "usage: java [-javaagent:socket-leak-agent.jar=closeWaitAfter=2s] -jar socket-leak-demo.jar"
                    + " [--requests N] [--close-wait-seconds S]\n"
                    + "  --requests N            connections opened at step 3 (default 300)\n"
                    + "  --close-wait-seconds S  how long step 4 holds its socket in CLOSE_WAIT (default 3;"
                    + " make it longer than the agent's closeWaitAfter)";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int requests = 300;
        double closeWaitSeconds = 3;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--requests" -> requests = (int) number(args, ++i, true);
                    case "--close-wait-seconds" -> closeWaitSeconds = number(args, ++i, false);
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }

        long start = System.nanoTime();
        try (LoopbackServer server = LoopbackServer.start()) {
            int port = server.port();
            Mistakes.forgetToCloseSocket(port);
            collectGarbage();
            Mistakes.forgetToCloseChannel(port);
            collectGarbage();
            Mistakes.newSocketPerRequest(port, requests);
            Mistakes.keepSocketAfterServerHungUp(port, closeWaitSeconds);
            RightWay.fetch(port);
        }
        AgentReport.print();
        PortExhaustion.runInNamespace();
        System.out.printf(Locale.ROOT, "demo: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * A busy JVM may take minutes to collect a dropped socket; ask for a collection now, and give the
     * agent (which checks every 200 ms) time to report it before the next step starts.
     */
    private static void collectGarbage() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(150);
        }
        Thread.sleep(200);
    }

    /** The value after option {@code args[i - 1]}: a whole or decimal number, at least 0. */
    private static double number(String[] args, int i, boolean whole) {
        String option = args[i - 1];
        String expected = "'" + option + "' expects " + (whole ? "a whole number" : "a number of seconds") + " >= 0";
        if (i >= args.length) {
            throw new IllegalArgumentException(expected);
        }
        try {
            double value = whole ? Integer.parseInt(args[i]) : Double.parseDouble(args[i]);
            if (value >= 0 && !Double.isInfinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(expected + ", got '" + args[i] + "'");
    }
}
