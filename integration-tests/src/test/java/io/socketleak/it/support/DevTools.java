package io.socketleak.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** Chromium's DevTools protocol, just enough of it: commands to the one page, and its events. */
final class DevTools implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final long deadline;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> events = new ConcurrentHashMap<>();

    private DevTools(WebSocket socket, long deadline) {
        this.socket = socket;
        this.deadline = deadline;
    }

    /** Connects to the page of the browser whose profile is {@code profile}, once it listens. */
    static DevTools connect(Path profile, long deadline) throws Exception {
        Path portFile = profile.resolve("DevToolsActivePort");
        List<String> lines = List.of();
        while (lines.size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no " + portFile);
            }
            Thread.sleep(50);
            if (Files.isRegularFile(portFile)) {
                lines = Files.readAllLines(portFile);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lines.get(0).trim() + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String url = null;
        for (JsonNode target : JSON.readTree(list)) {
            if ("page".equals(target.path("type").asText())) {
                url = target.get("webSocketDebuggerUrl").asText();
            }
        }
        if (url == null) {
            throw new IOException("the browser has no page: " + list);
        }
        DevTools[] self = new DevTools[1];
        StringBuilder message = new StringBuilder();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    self[0].received(message.toString());
                    message.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        self[0] = new DevTools(socket, deadline);
        return self[0];
    }

    private void received(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> answer = answers.remove(message.get("id").asLong());
                if (answer != null) {
                    answer.complete(message);
                }
            } else if (message.has("method")) {
                events.computeIfAbsent(message.get("method").asText(), m -> new CompletableFuture<>())
                        .complete(message.path("params"));
            }
        } catch (IOException e) {
            answers.values().forEach(a -> a.completeExceptionally(e));
        }
    }

    /** Sends a command and waits for its result; an error answer fails. */
    JsonNode call(String method, String params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        socket.sendText("{\"id\": " + id + ", \"method\": \"" + method + "\", \"params\": " + params + "}", true)
                .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        JsonNode message = answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (message.has("error")) {
            throw new IOException(method + " failed: " + message.get("error"));
        }
        return message.path("result");
    }

    /** The next (or first) event of this name, from now on. */
    CompletableFuture<JsonNode> event(String method) {
        CompletableFuture<JsonNode> event = new CompletableFuture<>();
        events.put(method, event);
        return event;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
