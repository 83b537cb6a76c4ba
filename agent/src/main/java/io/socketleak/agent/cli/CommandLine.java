package io.socketleak.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.socketleak.agent.AgentMain;
import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.report.HtmlPage;
import io.socketleak.protocol.AgentProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
            "  attach <pid> [key=value ...]   load the agent into a running JVM, with options; where it runs",
            "                                 already, change its options (" + Options.changeableNames() + ")",
            "  report <pid> [--json | --html] print the report of a JVM running the agent (loads nothing): as",
            "                                 text, as JSON, or as the HTML page (drawn here, from the JSON)",
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
            case "attach" -> rest.length < 1 ? usage("attach <pid> [key=value ...]")
                    : !isPid(rest[0]) ? notAPid(rest[0], "attach <pid> [key=value ...]")
                    : attach(rest[0], String.join(",", Arrays.copyOfRange(rest, 1, rest.length)));
            case "report" -> report(rest);
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

    private int notAPid(String given, String form) {
        err.println("not a process id: '" + given + "' (usage: java -jar socket-leak-agent.jar " + form + ")");
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
                return change(vm, pid, running, options);
            }
            // Checked here, before the agent is loaded: the reason is printed here, not in the target's log.
            try {
                Options.parse(options, Map.of(), Map.of());
            } catch (BadOptionException e) {
                err.println(e.getMessage() + "; nothing attached");
                return USAGE;
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

    /** The agent runs there already: the options are changes to its own, applied all or none. */
    private int change(VirtualMachine vm, String pid, String version, String options)
            throws AgentLoadException, AgentInitializationException, IOException {
        if (options.isEmpty()) {
            out.println("the agent is already running in " + pid + " (version " + version + "); nothing changed");
            return OK;
        }
        try {
            Options.checkChange(options);
        } catch (BadOptionException e) {
            err.println("the agent is already running in " + pid + ": " + e.getMessage() + "; nothing changed");
            return USAGE;
        }
        String request = ProcessHandle.current().pid() + "-" + System.nanoTime();
        vm.loadAgent(agentJar(), AgentProtocol.OPTIONS_CHANGE_PREFIX + request + ":" + options);
        String answer = vm.getSystemProperties().getProperty(AgentProtocol.OPTIONS_CHANGE_PROPERTY + "." + request);
        if (answer == null) {
            err.println("the agent in " + pid + " (version " + version + ") cannot change its options at run time;"
                    + " nothing changed");
            return FAILED;
        }
        if (answer.startsWith("changed ")) {
            out.println("the agent in " + pid + " " + answer);
            return OK;
        }
        err.println("the agent in " + pid + " " + answer + "; nothing changed");
        return FAILED;
    }

    /** The forms of {@code report}. */
    private enum Format {
        TEXT, JSON, HTML
    }

    private static final String REPORT_FORM = "report <pid> [--json | --html]";

    private int report(String[] rest) {
        List<String> flags = Arrays.asList(rest).subList(Math.min(1, rest.length), rest.length);
        if (flags.contains("--json") && flags.contains("--html")) {
            err.println("--json and --html are exclusive: one report at a time (usage: java -jar "
                    + "socket-leak-agent.jar " + REPORT_FORM + ")");
            return USAGE;
        }
        if (rest.length < 1 || flags.size() > 1
                || (flags.size() == 1 && !flags.get(0).equals("--json") && !flags.get(0).equals("--html"))) {
            return usage(REPORT_FORM);
        }
        if (!isPid(rest[0])) {
            return notAPid(rest[0], REPORT_FORM);
        }
        Format format = flags.isEmpty() ? Format.TEXT : flags.get(0).equals("--json") ? Format.JSON : Format.HTML;
        return withVm(rest[0], vm -> read(vm, rest[0], format));
    }

    // The address is the target JVM's own local management agent (this user's, on this host), the one
    // jconsole uses: nothing from outside reaches the connect that Error Prone's JNDI check fears.
    @SuppressWarnings("BanJNDI")
    private int read(VirtualMachine vm, String pid, Format format) {
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
                Object report = server.invoke(name, format == Format.TEXT ? "report" : "reportJson", null, null);
                if (format != Format.HTML) {
                    out.println(report);
                    return OK;
                }
                String page;
                try {
                    // Drawn in this process from the JSON: nothing of the page's code goes into the target.
                    page = HtmlPage.of((String) report);
                } catch (RuntimeException e) {
                    err.println("cannot draw the HTML report of " + pid + ": " + e);
                    return FAILED;
                }
                // UTF-8, as the page declares, whatever the console's encoding (JDK 17 takes the locale's).
                byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                out.flush();
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

    /** How long {@code list} waits for the slowest JVM: one that never answers an attach is "unknown". */
    private static final long LIST_WAIT_MILLIS = 5000;

    /**
     * Each JVM is asked at once, on a thread of its own: an attach can take a second (the target starts
     * its attach listener), and one that never answers must not hold up the others.
     */
    private int list() {
        long self = ProcessHandle.current().pid();
        List<VirtualMachineDescriptor> jvms = new ArrayList<>();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (!d.id().equals(String.valueOf(self))) {
                jvms.add(d);
            }
        }
        jvms.sort(Comparator.comparingLong(d -> isPid(d.id()) ? Long.parseLong(d.id()) : Long.MAX_VALUE));
        ExecutorService askers = Executors.newCachedThreadPool(runnable -> { // a thread each: all asked at once
            Thread t = new Thread(runnable, "socket-leak-list");
            t.setDaemon(true);
            return t;
        });
        List<Future<String>> answers = new ArrayList<>();
        for (VirtualMachineDescriptor d : jvms) {
            answers.add(askers.submit(() -> agentIn(d)));
        }
        askers.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_WAIT_MILLIS);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PID", "AGENT", "MAIN CLASS OR JAR"});
        for (int i = 0; i < jvms.size(); i++) {
            String agent;
            try {
                agent = answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                agent = "unknown"; // no answer in time
            } catch (ExecutionException | InterruptedException e) {
                agent = "unknown";
            }
            String name = jvms.get(i).displayName().isEmpty() ? "(unknown)" : jvms.get(i).displayName();
            rows.add(new String[] {jvms.get(i).id(), agent, name});
        }
        int pidWidth = 0;
        int agentWidth = 0;
        for (String[] row : rows) {
            pidWidth = Math.max(pidWidth, row[0].length());
            agentWidth = Math.max(agentWidth, row[1].length());
        }
        for (String[] row : rows) {
            out.println(pad(row[0], pidWidth) + "  " + pad(row[1], agentWidth) + "  " + row[2]);
        }
        return OK;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    /** The agent's version in that JVM, {@code no}, or {@code unknown} (another user's, or refusing attach). */
    private static String agentIn(VirtualMachineDescriptor d) {
        try {
            VirtualMachine vm = VirtualMachine.attach(d);
            try {
                String version = vm.getSystemProperties().getProperty(AgentProtocol.VERSION_PROPERTY);
                return version == null ? "no" : version;
            } finally {
                detach(vm);
            }
        } catch (AttachNotSupportedException | IOException e) {
            return "unknown";
        }
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
