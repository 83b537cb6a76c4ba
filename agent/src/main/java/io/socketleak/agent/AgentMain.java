package io.socketleak.agent;

import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import java.lang.instrument.Instrumentation;

/**
 * Entry point of the agent jar: {@code -javaagent}, dynamic attach, and {@code java -jar} (the
 * command line).
 *
 * <p>A trampoline: it references no class of the boot class path bridge (which does not exist
 * until {@link BootstrapJar} has appended it) and loads the real installer reflectively. Nothing
 * thrown here reaches the application: the agent stays off and the application runs on.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    public static void main(String[] args) throws Exception {
        Class.forName("io.socketleak.agent.cli.CommandLine").getMethod("main", String[].class)
                .invoke(null, (Object) args);
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            Options options;
            try {
                options = Options.parse(args, System.getProperties(), System.getenv());
            } catch (BadOptionException e) {
                System.err.println("socket-leak-agent: " + e.getMessage() + "; agent not started");
                return;
            }
            if (System.getProperty(AGENT_PROPERTY) != null) {
                System.err.println("socket-leak-agent: already running in this JVM; nothing changed");
                return;
            }
            BootstrapJar.appendTo(inst);
            System.setProperty(AGENT_PROPERTY, version());
            if (attached || options.blockingStartup()) {
                install(options, inst, attached); // after an attach the application runs already anyway
            } else {
                // Installing the hooks costs Byte Buddy most of a second: do it beside the application's
                // own start-up. Sockets opened meanwhile are found later, listed without a stack.
                Thread starter = new Thread(() -> install(options, inst, false), "socket-leak-agent-start");
                starter.setDaemon(true);
                starter.start();
            }
        } catch (Throwable t) {
            failed(t);
        }
    }

    private static void install(Options options, Instrumentation inst, boolean attached) {
        try {
            Class.forName("io.socketleak.agent.Installer")
                    .getMethod("install", Options.class, Instrumentation.class, boolean.class)
                    .invoke(null, options, inst, attached);
        } catch (Throwable t) {
            failed(t);
        }
    }

    private static void failed(Throwable t) {
        Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
        System.err.println("socket-leak-agent: could not start (" + cause + "); the application runs without it");
    }

    /** Set to the agent's version in a JVM the agent runs in: how the command line and tests tell. */
    public static final String AGENT_PROPERTY = "socketleak.agent.version";

    public static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
