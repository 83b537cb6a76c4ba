package io.socketleak.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.socketleak.agent.AgentMain;
import io.socketleak.agent.config.Options;
import io.socketleak.protocol.AgentProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code java -jar socket-leak-agent.jar <command>}. Exit status: 0 success, 1 failure (with a
 * one-line reason), 2 usage error.
 */
public final class CommandLine {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String HELP = String.join("\n",
            "usage: java -jar socket-leak-agent.jar <command>",
            "",
            "commands:",
            "  attach <pid> [key=value ...]   load the agent into a running JVM, with options",
            "  report <pid> [--json]          print the report of a JVM running the agent (loads nothing)",
            "  list                           local JVMs, and whether the agent runs in each",
            "  --help                         this text",
            "  --version                      the agent's version",
            "",
            "To start a JVM with the agent: java -javaagent:socket-leak-agent.jar[=key=value,...] ...",
            "Options: " + Options.keyNames() + " (see the README).",
            "Exit status: 0 success, 1 failure, 2 usage error.");

    private final PrintStream out;
    private final PrintStream err;

    CommandLine(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.println(HELP);
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "--help", "-h", "help" -> {
                out.println(HELP);
                yield OK;
            }
            case "--version", "version" -> {
                out.println("socket-leak-agent " + AgentMain.version());
                yield OK;
            }
            case "attach" -> rest.length < 1 || !isPid(rest[0]) ? usage("attach <pid> [key=value ...]")
                    : attach(rest[0], String.join(",", Arrays.copyOfRange(rest, 1, rest.length)));
            case "report" -> rest.length < 1 || !isPid(rest[0]) || rest.length > 2
                    || (rest.length == 2 && !rest[1].equals("--json")) ? usage("report <pid> [--json]")
                    : report(rest[0], rest.length == 2);
            case "list" -> rest.length != 0 ? usage("list") : list();
            default -> {
                err.println("unknown command '" + args[0] + "'; try --help");
                yield USAGE;
            }
        };
    }

    private int usage(String form) {
        err.println("usage: java -jar socket-leak-agent.jar " + form);
        return USAGE;
    }

    private static boolean isPid(String s) {
        return s.matches("[0-9]{1,10}");
    }

    /** What to do with an attached JVM; returns the exit status. */
    private interface WithVm {
        int apply(VirtualMachine vm) throws Exception;
    }

    /** Attaches, runs the action, detaches; a failure to attach is one line and status 1. */
    private int withVm(String pid, WithVm action) {
        VirtualMachine vm;
        try {
            vm = connect(pid);
        } catch (CannotAttach e) {
            err.println(e.getMessage());
            return FAILED;
        }
        try {
            return action.apply(vm);
        } catch (Exception e) {
            err.println("failed with " + pid + ": " + e);
            return FAILED;
        } finally {
            detach(vm);
        }
    }

    private int attach(String pid, String options) {
        return withVm(pid, vm -> load(vm, pid, options));
    }

    private int load(VirtualMachine vm, String pid, String options) {
        try {
            String running = vm.getSystemProperties().getProperty(AgentProtocol.VERSION_PROPERTY);
            if (running != null) {
                out.println("the agent is already running in " + pid + " (version " + running + "); nothing changed");
                return OK;
            }
            vm.loadAgent(agentJar(), options.isEmpty() ? null : options);
            Properties after = vm.getSystemProperties();
            if (after.getProperty(AgentProtocol.VERSION_PROPERTY) == null) {
                err.println("the agent did not start in " + pid + ": see that JVM's standard error for the reason");
                return FAILED;
            }
            out.println("attached to " + pid + "; sockets opened from now on are tracked with their stacks");
            return OK;
        } catch (AgentLoadException e) {
            err.println("cannot load the agent into " + pid + ": " + e.getMessage()
                    + " (is dynamic agent loading disabled there, -XX:-EnableDynamicAgentLoading?)");
            return FAILED;
        } catch (AgentInitializationException e) {
            err.println("the agent failed to start in " + pid + ": " + e.getMessage());
            return FAILED;
        } catch (IOException e) {
            err.println("lost the connection to " + pid + ": " + e.getMessage());
            return FAILED;
        }
    }

    private int report(String pid, boolean json) {
        return withVm(pid, vm -> read(vm, pid, json));
    }

    // The address is the target JVM's own local management agent (this user's, on this host), the one
    // jconsole uses: nothing from outside reaches the connect that Error Prone's JNDI check fears.
    @SuppressWarnings("BanJNDI")
    private int read(VirtualMachine vm, String pid, boolean json) {
        try {
            if (vm.getSystemProperties().getProperty(AgentProtocol.VERSION_PROPERTY) == null) {
                err.println("the agent is not running in " + pid + ": attach it first with "
                        + "java -jar socket-leak-agent.jar attach " + pid);
                return FAILED;
            }
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                ObjectName name = new ObjectName(AgentProtocol.OBJECT_NAME);
                // An agent still starting (attached a moment ago) sets its property first, its MXBean last.
                for (int i = 0; i < 150 && !server.isRegistered(name); i++) {
                    Thread.sleep(100);
                }
                Object report = server.invoke(name, json ? "reportJson" : "report", null, null);
                out.println(report);
                return OK;
            }
        } catch (InstanceNotFoundException e) {
            err.println("the agent runs in " + pid + " without its MXBean (started with jmx=false): no report to read");
            return FAILED;
        } catch (Exception e) {
            err.println("cannot read the report of " + pid + ": " + e);
            return FAILED;
        }
    }

    private int list() {
        long self = ProcessHandle.current().pid();
        out.printf("%-8s %-10s %s%n", "PID", "AGENT", "MAIN CLASS OR JAR");
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(String.valueOf(self))) {
                continue;
            }
            String agent;
            try {
                VirtualMachine vm = VirtualMachine.attach(d);
                try {
                    String version = vm.getSystemProperties().getProperty(AgentProtocol.VERSION_PROPERTY);
                    agent = version == null ? "no" : version;
                } finally {
                    detach(vm);
                }
            } catch (AttachNotSupportedException | IOException e) {
                agent = "unknown"; // another user's JVM, or one that refuses attach
            }
            String name = d.displayName().isEmpty() ? "(unknown)" : d.displayName();
            out.printf("%-8s %-10s %s%n", d.id(), agent, name);
        }
        return OK;
    }

    /** A one-line reason why a pid cannot be attached to. */
    static final class CannotAttach extends Exception {
        private static final long serialVersionUID = 1L;

        CannotAttach(String message) {
            super(message);
        }
    }

    private static VirtualMachine connect(String pid) throws CannotAttach {
        if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
            throw new CannotAttach("no process with pid " + pid);
        }
        if (String.valueOf(ProcessHandle.current().pid()).equals(pid)) {
            throw new CannotAttach("pid " + pid + " is this command itself");
        }
        // Only JVMs that announce themselves: attaching signals the process (SIGQUIT), which would
        // stop one that is not a JVM.
        if (VirtualMachine.list().stream().noneMatch(d -> d.id().equals(pid))) {
            throw new CannotAttach("pid " + pid + " is not a Java VM this user can attach to (not a JVM, another "
                    + "user's, or started with -XX:-UsePerfData)");
        }
        try {
            return VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException e) {
            throw new CannotAttach("cannot attach to " + pid + ": " + e.getMessage()
                    + " (started with -XX:+DisableAttachMechanism?)");
        } catch (IOException e) {
            throw new CannotAttach("cannot attach to " + pid + ": " + e.getMessage());
        }
    }

    private static void detach(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException ignored) {
            // nothing left to do with that JVM
        }
    }

    private static String agentJar() {
        try {
            return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the agent jar this command runs from", e);
        }
    }
}
