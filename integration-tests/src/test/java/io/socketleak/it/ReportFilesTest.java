package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.ChurnsThenWaits;
import io.socketleak.it.apps.HoldsSockets;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report files a JVM leaves: named by its pid ({@code %p}), JSON or the HTML page by the path's
 * ending, the one of the exit marked {@code atExit}, with the budgets' history; and the HTML page
 * as the command line prints it.
 */
class ReportFilesTest {
    @TempDir
    Path dir;

    @Test
    void theJsonReportsNameTheirPidSayWhichIsTheExitsAndCarryASampleForEachSecondOfTheChurn() throws Exception {
        Process child = new ChildJvm().withAgent("interval=1s,report=" + dir.resolve("r-%p.json"))
                .start(ChurnsThenWaits.class, "3");
        CompletableFuture<String> stderr = ChildJvm.standardErrorInBackground(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try {
            String ready = out.readLine();
            long readyAt = System.nanoTime();
            assertTrue(ready != null && ready.startsWith("ready "), () -> ready + stderr.join());
            String pid = String.valueOf(child.pid());
            String churned = out.readLine();
            assertTrue(churned != null && churned.startsWith("churned "), () -> churned + stderr.join());
            String port = churned.substring("churned ".length());

            JsonNode running = awaitReport(dir.resolve("r-" + pid + ".json"));
            assertEquals(Long.parseLong(pid), running.get("pid").asLong());
            assertTrue(running.get("atExit").isBoolean(), running.toString());
            assertFalse(running.get("atExit").asBoolean(), "a periodic report, written while the JVM runs");

            // %p in a path given at run time is the target's pid too, and the answer names the file.
            Path exitFile = dir.resolve("exit-" + pid + ".json");
            ChildJvm.Result change = ChildJvm.commandLine("attach", pid, "report=" + dir.resolve("exit-%p.json"));
            assertEquals(0, change.exitCode(), change.stderr());
            assertEquals("the agent in " + pid + " changed report=" + exitFile, change.stdout().strip());

            child.getOutputStream().close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the app did not exit");
            double elapsed = (System.nanoTime() - readyAt) / 1e9;
            assertEquals(0, child.exitValue(), stderr.join());

            JsonNode exit = AgentReport.read(exitFile);
            assertTrue(exit.get("atExit").asBoolean(), "the report of the exit: " + exit.get("atExit"));
            JsonNode history = exit.get("history");
            assertEquals(1, history.get("stepSeconds").asInt());
            assertEquals(0.8, history.get("warnAt").asDouble());
            JsonNode churn = null;
            for (JsonNode d : history.get("destinations")) {
                if (d.get("remote").asText().equals("127.0.0.1:" + port)) {
                    churn = d;
                }
            }
            assertNotNull(churn, "the churned destination in the history: " + history);
            int samples = churn.get("open").size();
            assertEquals(samples, churn.get("timeWait").size());
            // From its first connection, a second or less after "ready", to the exit: a sample a second
            // (and "ready" reaches this test a moment after the child said it: up to a second more).
            assertTrue(samples >= elapsed - 2 && samples <= elapsed + 2,
                    samples + " samples over " + elapsed + " s: " + churn);
            int mostTimeWait = 0;
            for (JsonNode n : churn.get("timeWait")) {
                mostTimeWait = Math.max(mostTimeWait, n.asInt());
            }
            assertTrue(mostTimeWait > 0, "the churn's TIME_WAIT holding ports: " + churn.get("timeWait"));
            assertTrue(churn.get("portCapacity").asInt() > 0, churn.toString());
            Instant start = Instant.parse(churn.get("start").asText());
            Instant time = Instant.parse(exit.get("time").asText());
            assertEquals(start.getEpochSecond() * 1000, start.toEpochMilli(), "whole seconds");
            assertTrue(!start.plusSeconds(samples - 1).isAfter(time) && start.plusSeconds(samples + 1).isAfter(time),
                    "the last sample is of the last second: " + start + " + " + samples + " s, report at " + time);

            JsonNode fds = history.get("fileDescriptors");
            assertTrue(fds.isObject(), "Linux knows the limit: " + history);
            assertTrue(fds.get("max").asLong() > 0, fds.toString());
            assertTrue(fds.get("open").size() >= samples, "sampled from the agent's start on: " + fds);
            for (JsonNode n : fds.get("open")) {
                assertTrue(n.asInt() > 0, fds.toString());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void anHtmlPathGetsThePageAtExitAndTheCommandLinePrintsThePageOfARunningJvm() throws Exception {
        Process child = new ChildJvm().withAgent("interval=0,report=" + dir.resolve("r-%p.html"))
                .start(HoldsSockets.class);
        CompletableFuture<String> stderr = ChildJvm.standardErrorInBackground(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try {
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("ready "), () -> ready + stderr.join());
            String pid = String.valueOf(child.pid());
            Path page = dir.resolve("r-" + pid + ".html");

            ChildJvm.Result printed = ChildJvm.commandLine("report", pid, "--html");
            assertEquals(0, printed.exitCode(), printed.stderr());
            assertTrue(printed.stdout().startsWith("<!DOCTYPE html>"), printed.stdout());
            assertTrue(printed.stdout().contains("Socket Leak Detector report, pid " + pid), printed.stdout());
            assertFalse(Files.exists(page), "interval=0: no file before the exit");

            child.getOutputStream().close();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the app did not exit");
            String log = stderr.join();
            assertEquals(0, child.exitValue(), log);
            String html = Files.readString(page, StandardCharsets.UTF_8);
            assertTrue(html.startsWith("<!DOCTYPE html>"), html);
            assertTrue(html.contains("Socket Leak Detector report, pid " + pid), html);
            assertTrue(log.contains(", HTML report to " + page), log);
            assertFalse(log.contains("cannot write report"), log);
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(page), files.toList(), "the page alone, no temporary file");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** The report file once the agent has written it (atomically: never half a file). */
    private static JsonNode awaitReport(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return AgentReport.read(file);
            } catch (NoSuchFileException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no report at " + file + " within 20 s", e);
                }
                Thread.sleep(100);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
