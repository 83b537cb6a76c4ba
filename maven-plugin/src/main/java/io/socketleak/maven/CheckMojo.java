package io.socketleak.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Reads the test JVMs' reports, prints their leaks by call site, and fails the build when more than
 * {@code maxLeaks} sockets leaked (of the kinds in {@code failOn}, less those allowed), naming each line.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractMojo {
    /** Where prepare-agent had the test JVMs write their reports. */
    @Parameter(property = "socketleak.reportDirectory", defaultValue = "${project.build.directory}/socket-leak")
    private File reportDirectory;

    /** The kinds of leak that fail the build: {@code collected}, {@code closeWait}, {@code openAtExit}. */
    @Parameter
    private List<String> failOn;

    /** Call sites whose leaks are not counted, each with its reason. */
    @Parameter
    private List<Allow> allowed;

    /** The build fails when more sockets than this leaked. */
    @Parameter(property = "socketleak.maxLeaks", defaultValue = "0")
    private long maxLeaks;

    @Parameter(property = "socketleak.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Socket leak check skipped (socketleak.skip)");
            return;
        }
        Set<String> kinds = kinds();
        List<Allow> allow = allowList();
        Path directory = reportDirectory.toPath();
        List<ReportDirectory.TestJvm> jvms;
        try {
            jvms = ReportDirectory.read(directory);
        } catch (IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (jvms.isEmpty()) {
            getLog().warn("No socket leak reports in " + directory + ": nothing checked. Either the tests were "
                    + "skipped, or prepare-agent did not run before them (is its goal listed, and does the "
                    + "test plugin's argLine keep the property, as @{argLine}?)");
            return;
        }
        for (String warning : CheckOutput.notWrittenAtExit(jvms)) {
            getLog().warn(warning);
        }
        TestLeaks leaks = TestLeaks.of(jvms, allow);
        for (String line : CheckOutput.summary(leaks, jvms.size(), directory)) {
            getLog().info(line);
        }
        List<TestLeaks.CallSite> counted = leaks.counted(kinds);
        long total = TestLeaks.total(counted);
        if (total > maxLeaks) {
            throw new MojoFailureException(CheckOutput.failure(counted, total, maxLeaks, jvms.size(), directory));
        }
    }

    private Set<String> kinds() throws MojoExecutionException {
        if (failOn == null || failOn.isEmpty()) {
            return new LinkedHashSet<>(TestLeaks.KINDS);
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (String kind : failOn) {
            String k = kind == null ? "" : kind.trim();
            if (!TestLeaks.KINDS.contains(k)) {
                throw new MojoExecutionException("failOn: '" + k + "' is not a kind of leak; the kinds are "
                        + String.join(", ", TestLeaks.KINDS));
            }
            kinds.add(k);
        }
        return kinds;
    }

    /** The allow-list, each entry as the JUnit extension requires it: a prefix and a reason. */
    private List<Allow> allowList() throws MojoExecutionException {
        List<Allow> entries = new ArrayList<>();
        if (allowed == null) {
            return entries;
        }
        for (Allow allow : allowed) {
            String prefix = allow.getPrefix() == null ? "" : allow.getPrefix().trim();
            String reason = allow.getReason() == null ? "" : allow.getReason().trim();
            if (prefix.isEmpty()) {
                throw new MojoExecutionException("allowed: an entry's prefix is empty (it would allow every socket)");
            }
            if (reason.isEmpty()) {
                throw new MojoExecutionException("allowed: allowing '" + prefix
                        + "' needs a reason (why may its sockets leak in the tests?)");
            }
            entries.add(new Allow(prefix, reason));
        }
        return entries;
    }
}
