package io.socketleak.agent;

import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.protocol.AgentProtocol;
import java.lang.instrument.Instrumentation;

/**
 * The agent's start in its own class loader: the options, then the bridge into {@code java.base},
 * then the rest ({@link Installer}, which may name the bridge's classes only once they exist).
 * Everything runs before {@code main}, so every socket of the application is seen with its stack.
 */
public final class Startup {
    private Startup() {
    }

    public static void start(String args, Instrumentation inst, boolean attached) {
        try {
            if (System.getProperty(AgentProtocol.VERSION_PROPERTY) != null) {
                OptionChanges.askRunningAgent(args);
                return;
            }
            Options options;
            try {
                options = Options.parse(args, System.getProperties(), System.getenv());
            } catch (BadOptionException e) {
                if (Options.failOnLeakAsked(args, System.getProperties(), System.getenv())) {
                    failAtExit(e.getMessage());
                } else {
                    System.err.println("socket-leak-agent: " + e.getMessage() + "; agent not started");
                }
                return;
            }
            Bridge.defineInJavaBase();
            System.setProperty(AgentProtocol.VERSION_PROPERTY, AgentMain.version());
            Installer.install(options, inst, attached);
        } catch (Throwable t) {
            AgentMain.failed(t);
        }
    }

    /**
     * A CI gate must not be switched off by a typo: with {@code failOnLeak} asked for and an option
     * bad, the application runs without the agent, and the JVM exits with status 4 and the reason.
     */
    private static void failAtExit(String reason) {
        System.err.println("socket-leak-agent: " + reason + "; agent not started (failOnLeak was asked for:"
                + " this JVM will exit with status 4)");
        Runtime.getRuntime().addShutdownHook(new Thread("socket-leak-agent-exit") {
            @Override
            public void run() {
                System.err.println("socket-leak-agent: exit status 4: the agent did not run, so no leak could be"
                        + " checked (failOnLeak was asked for): " + reason);
                System.err.flush();
                Runtime.getRuntime().halt(4);
            }
        });
    }
}
