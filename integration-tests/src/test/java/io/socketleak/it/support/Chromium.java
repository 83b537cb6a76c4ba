package io.socketleak.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real browser, headless: the page's DOM after its scripts ran (or with scripts off), and a
 * screenshot. Each run has a profile of its own and a time limit; the browser is told not to reach
 * out for updates or sync, so that the only thing it loads is the page.
 */
public final class Chromium {
    private static final long TIMEOUT_SECONDS = 90;

    private Chromium() {
    }

    /**
     * The DOM after load and the page's scripts, serialized. (Chromium reads it with a script of its
     * own, so with scripts off it reads nothing: see {@link #screenshot} for that.)
     */
    public static String dumpDom(Path page) throws IOException, InterruptedException {
        String dom = run(List.of("--dump-dom", page.toUri().toString())).stdout();
        if (!dom.contains("<html")) {
            throw new AssertionError("Chromium gave no DOM for " + page + ": " + dom);
        }
        return dom;
    }

    /** A screenshot of the page's top, this wide and high, as {@code chromium --screenshot} takes it. */
    public static void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", page.toUri().toString()));
        Result result = run(args);
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("Chromium wrote no screenshot " + png + "; its output:\n" + result.stderr());
        }
    }

    private record Result(String stdout, String stderr) {
    }

    /** What the browser showed: the DOM as it stood after load, and a screenshot of the page's top. */
    public record Shown(String dom, java.awt.image.BufferedImage screenshot, String pngBase64) {
    }

    /**
     * The page loaded through the browser's DevTools protocol, with JavaScript on or off as asked
     * ({@code --blink-settings=scriptEnabled=false} leaves headless Chromium with neither a DOM to
     * dump nor a screenshot, as both are read by a script of its own; the protocol reads them itself).
     */
    public static Shown show(Path page, int width, int height, boolean scripts) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"));
        Process browser = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        browser.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> err = ChildJvm.standardErrorInBackground(browser);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try (DevTools devTools = DevTools.connect(profile, deadline)) {
            devTools.call("Emulation.setScriptExecutionDisabled", "{\"value\": " + !scripts + "}");
            devTools.call("Emulation.setDeviceMetricsOverride", "{\"width\": " + width + ", \"height\": " + height
                    + ", \"deviceScaleFactor\": 1, \"mobile\": false}");
            devTools.call("Page.enable", "{}");
            java.util.concurrent.CompletableFuture<com.fasterxml.jackson.databind.JsonNode> loaded =
                    devTools.event("Page.loadEventFired");
            devTools.call("Page.navigate", "{\"url\": \"" + page.toUri() + "\"}");
            loaded.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long root = devTools.call("DOM.getDocument", "{\"depth\": 0}").at("/root/nodeId").asLong();
            String dom = devTools.call("DOM.getOuterHTML", "{\"nodeId\": " + root + "}").get("outerHTML").asText();
            String png = devTools.call("Page.captureScreenshot", "{\"format\": \"png\"}").get("data").asText();
            return new Shown(dom, javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(png))), png);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Chromium did not answer within " + TIMEOUT_SECONDS + " s (hung?): " + command
                    + "\n" + err.getNow("(no output yet)"), e);
        } finally {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static Result run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Process browser = new ProcessBuilder(command).start();
        browser.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> err = ChildJvm.standardErrorInBackground(browser);
        java.util.concurrent.CompletableFuture<String> out = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                out.complete(new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("");
            }
        }, "stdout of chromium " + browser.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            if (!browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("Chromium did not finish within " + TIMEOUT_SECONDS + " s (hung?): " + command
                        + "\n" + err.getNow("(no output)"));
            }
            String stderr = err.get(10, TimeUnit.SECONDS);
            if (browser.exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + browser.exitValue() + ": " + command + "\n" + stderr);
            }
            return new Result(out.get(10, TimeUnit.SECONDS), stderr);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Chromium's output could not be read: " + command, e);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Chromium on the PATH (the Debian package's {@code chromium}), or a clear failure saying how to get it. */
    static String executable() {
        String given = System.getProperty("socketleak.chromium");
        if (given != null && !given.isBlank()) {
            return given;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("Chromium is needed to check the HTML report in a real browser, and none is on the"
                + " PATH (chromium, chromium-browser, google-chrome): install the Debian package chromium"
                + " (apt-get install chromium; .ci/run does), or give its path with -Dsocketleak.chromium=...");
    }
}
