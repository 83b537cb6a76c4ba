package io.socketleak.maven;

import io.socketleak.html.HtmlReport;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** Writes the HTML report of the test run, one section per test JVM, to {@code target/site/socket-leak/index.html}. */
@Mojo(name = "report", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ReportMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where prepare-agent had the test JVMs write their reports. */
    @Parameter(property = "socketleak.reportDirectory", defaultValue = "${project.build.directory}/socket-leak")
    private File reportDirectory;

    /** Where the page goes, as {@code index.html}. */
    @Parameter(property = "socketleak.outputDirectory", defaultValue = "${project.reporting.outputDirectory}/socket-leak")
    private File outputDirectory;

    @Parameter(property = "socketleak.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("Socket leak report skipped (socketleak.skip)");
            return;
        }
        Path directory = reportDirectory.toPath();
        List<HtmlReport.Run> runs = new ArrayList<>();
        try {
            for (ReportDirectory.TestJvm jvm : ReportDirectory.read(directory)) {
                runs.add(new HtmlReport.Run(jvm.name(), jvm.report()));
            }
        } catch (IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (runs.isEmpty()) {
            getLog().warn("No socket leak reports in " + directory + ": no HTML report written (tests skipped, "
                    + "or prepare-agent did not run before them)");
            return;
        }
        String name = project.getName() == null ? project.getArtifactId() : project.getName();
        Path page = outputDirectory.toPath().resolve("index.html");
        try {
            Files.createDirectories(page.getParent());
            Files.writeString(page, HtmlReport.render("Socket Leak Detector: " + name, runs), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + page + ": " + e, e);
        }
        getLog().info("Socket leak report of " + runs.size() + (runs.size() == 1 ? " test JVM: " : " test JVMs: ") + page);
    }
}
