package io.socketleak.agent.cli;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code java -jar socket-leak-agent.jar <command>}. Exit status: 0 success, 1 failure (with a
 * one-line reason), 2 usage error.
 */
public final class CommandLine {
    static final String USAGE = String.join("\n",
            "usage: java -jar socket-leak-agent.jar <command>",
            "",
            "commands:",
            "  attach <pid> [key=value ...]   load the agent into a running JVM, with options",
            "  --help                         this text",
            "  --version                      the agent's version",
            "",
            "To start a JVM with the agent: java -javaagent:socket-leak-agent.jar[=key=value,...] ...",
            "Options: interval, report, failOnLeak, closeWaitAfter, warnAt, exclude, timeWait, portRange, jmx, log,",
            "maxTracked (see the README).");

    private CommandLine() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        switch (args[0]) {
            case "--help", "-h", "help" -> {
                out.println(USAGE);
                return 0;
            }
            case "--version" -> {
                out.println("socket-leak-agent " + version());
                return 0;
            }
            case "attach" -> {
                if (args.length < 2 || !args[1].matches("[0-9]+")) {
                    err.println("usage: java -jar socket-leak-agent.jar attach <pid> [key=value ...]");
                    return 2;
                }
                return attach(args[1], String.join(",", java.util.Arrays.copyOfRange(args, 2, args.length)), err);
            }
            default -> {
                err.println("unknown command '" + args[0] + "'\n" + USAGE);
                return 2;
            }
        }
    }

    static String version() {
        String v = CommandLine.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    private static int attach(String pid, String options, PrintStream err) {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException e) {
            err.println("cannot attach to " + pid + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cannot attach to " + pid + ": " + e.getMessage());
            return 1;
        }
        try {
            vm.loadAgent(agentJar(), options.isEmpty() ? null : options);
            return 0;
        } catch (AgentLoadException | IOException e) {
            err.println("could not load the agent into " + pid + ": " + e.getMessage());
            return 1;
        } catch (com.sun.tools.attach.AgentInitializationException e) {
            err.println("the agent failed to start in " + pid + ": " + e.getMessage());
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the target has the agent or has said why not; nothing left to do
            }
        }
    }

    private static String agentJar() {
        try {
            return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().toString();
        } catch (Exception e) {
            return new File("socket-leak-agent.jar").getAbsolutePath();
        }
    }
}
