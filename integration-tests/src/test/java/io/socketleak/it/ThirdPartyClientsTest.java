package io.socketleak.it;

import static io.socketleak.it.LeaksTest.lineOfNextStatement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.socketleak.it.support.AgentReport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sockets opened deep inside real clients, on the caller's thread or on one of the library's own
 * (OkHttp 5's TaskRunner, its dispatcher, the JDK HttpClient's executor and selector, Netty's event
 * loop), are attributed to the test's own line: a call site's frames start where the library
 * connected and reach the line that asked. Counts are exact.
 */
class ThirdPartyClientsTest {
    private static HttpServer server;
    private static String url;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    /** OkHttp 5 by default connects on a TaskRunner thread ("fast fallback"): the call's line is blamed. */
    @Test
    void okHttpConnectingOnItsOwnThreadIsBlamedOnTheLineThatMadeTheCall() throws IOException {
        OkHttpClient client = new OkHttpClient();
        int line = lineOfNextStatement();
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            assertEquals("hello", response.body().string());
        }
        JsonNode site = siteBlamedOn(blame("okHttpConnectingOnItsOwnThreadIsBlamedOnTheLineThatMadeTheCall", line));
        assertTrue(site.get("frames").get(0).asText().startsWith("okhttp3."),
                "the call site starts where the library connected: " + site.get("frames"));
        assertTrue(site.get("origin").asText().startsWith("through OkHttp, connected on thread OkHttp "),
                site.toString());
        client.connectionPool().evictAll();
    }

    @Test
    void okHttpWithoutFastFallbackConnectsOnTheCallersThread() throws IOException {
        OkHttpClient client = new OkHttpClient.Builder().fastFallback(false).build();
        int line = lineOfNextStatement();
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            assertEquals("hello", response.body().string());
        }
        JsonNode site = siteBlamedOn(blame("okHttpWithoutFastFallbackConnectsOnTheCallersThread", line));
        assertTrue(site.get("origin").isNull(), "the application's own thread connected: " + site);
        client.connectionPool().evictAll();
    }

    /** enqueue(): the call runs on the dispatcher's thread, which hands the connect to a TaskRunner thread. */
    @Test
    void anEnqueuedOkHttpCallIsBlamedOnTheLineThatEnqueuedIt() throws Exception {
        OkHttpClient client = new OkHttpClient();
        java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();
        int line = lineOfNextStatement();
        client.newCall(new Request.Builder().url(url).build()).enqueue(new okhttp3.Callback() {
            @Override
            public void onFailure(okhttp3.Call call, IOException e) {
                body.completeExceptionally(e);
            }

            @Override
            public void onResponse(okhttp3.Call call, Response response) throws IOException {
                try (response) {
                    body.complete(response.body().string());
                }
            }
        });
        assertEquals("hello", body.get(30, java.util.concurrent.TimeUnit.SECONDS));
        siteBlamedOn(blame("anEnqueuedOkHttpCallIsBlamedOnTheLineThatEnqueuedIt", line));
        client.connectionPool().evictAll();
        client.dispatcher().executorService().shutdown();
    }

    /**
     * The JDK's client makes the exchange on the caller's thread, runs it on its executor and finishes
     * the connect on its selector thread. One client per request, never closed: each connection stays
     * open in its client's pool, all at the line that sent.
     */
    @Test
    void theJdksHttpClientIsBlamedOnTheLineThatSent() throws Exception {
        int requests = 3;
        int line = 0;
        List<java.net.http.HttpClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < requests; i++) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            clients.add(client);
            line = lineOfNextStatement();
            java.net.http.HttpResponse<String> response = client.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals("hello", response.body());
        }
        String blame = blame("theJdksHttpClientIsBlamedOnTheLineThatSent", line);
        JsonNode report = AgentReport.now();
        List<JsonNode> sites = AgentReport.callSites(report, blame);
        assertEquals(requests, sites.stream().mapToLong(site -> site.get("opened").asLong()).sum(),
                "every connection at the line that sent\n" + AgentReport.text());
        for (JsonNode site : sites) {
            assertEquals(blame, site.get("blame").asText());
            assertTrue(site.get("origin").asText().startsWith("through java.net.http.HttpClient, connected on thread HttpClient-"),
                    site.toString());
        }
        assertEquals(requests, sites.stream().mapToLong(site -> site.get("open").asLong()).sum(),
                "each client keeps its connection");
        if (Runtime.version().feature() >= 21) { // HttpClient.close(): then nothing is left open
            for (java.net.http.HttpClient client : clients) {
                ((AutoCloseable) (Object) client).close();
            }
            JsonNode after = AgentReport.await(java.time.Duration.ofSeconds(10),
                    r -> AgentReport.sum(r, blame, "open") == 0);
            assertEquals(requests, AgentReport.sum(after, blame, "opened"));
            assertEquals(0, AgentReport.leakCount(after, "collected", blame));
        }
    }

    /** Netty creates its channel on the caller's thread and connects it on the event loop. */
    @Test
    void aNettyChannelIsBlamedOnTheLineThatConnectedTheBootstrap() throws Exception {
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            io.netty.bootstrap.Bootstrap bootstrap = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter());
            int line = lineOfNextStatement();
            io.netty.channel.Channel channel = bootstrap.connect(server.getAddress()).sync().channel();
            JsonNode site = siteBlamedOn(blame("aNettyChannelIsBlamedOnTheLineThatConnectedTheBootstrap", line));
            assertEquals(1, site.get("open").asLong(), "never closed: still open");
            assertTrue(site.get("origin").asText().startsWith("through Netty, connected on thread "), site.toString());
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void apacheHttpClientConnectionIsBlamedOnTheLineThatMadeTheCall() throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            int line = lineOfNextStatement();
            String body = client.execute(new HttpGet(url), response -> EntityUtils.toString(response.getEntity()));
            assertEquals("hello", body);
            String blame = "io.socketleak.it.ThirdPartyClientsTest.apacheHttpClientConnectionIsBlamedOnTheLineThatMadeTheCall("
                    + "ThirdPartyClientsTest.java:" + line + ")";
            JsonNode site = siteBlamedOn(blame);
            assertTrue(site.get("frames").get(0).asText().startsWith("org.apache.hc."),
                    "the call site starts where the library asked for the socket: " + site.get("frames"));
        }
    }

    /** OkHttp 4 connects on the caller's thread, and runs enqueued calls on its dispatcher's. */
    @Test
    void okHttp4CallsAreBlamedOnTheirLinesToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path report = dir.resolve("report.json");
        io.socketleak.it.support.ChildJvm.Result run = new io.socketleak.it.support.ChildJvm()
                .replacingOnClassPath("okhttp-jvm-", java.nio.file.Path.of(System.getProperty("socketleak.okhttp4")))
                .withAgent("interval=0,report=" + report)
                .run(io.socketleak.it.apps.OkHttpCalls.class);
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> out = run.stdout().lines().toList();
        assertTrue(out.get(0).startsWith("okhttp 4."), "OkHttp 4 in place of 5: " + out);
        JsonNode json = AgentReport.read(report);
        for (String call : out.subList(1, 3)) {
            String blame = "io.socketleak.it.apps.OkHttpCalls.main(OkHttpCalls.java:" + call.replaceAll("\\D+", "") + ")";
            List<JsonNode> sites = AgentReport.callSites(json, blame);
            assertEquals(1, sites.size(), call + ": " + json.get("callSites"));
            assertEquals(blame, sites.get(0).get("blame").asText());
            assertEquals(1, sites.get(0).get("opened").asLong());
        }
    }

    private static String blame(String method, int line) {
        return "io.socketleak.it.ThirdPartyClientsTest." + method + "(ThirdPartyClientsTest.java:" + line + ")";
    }

    private static JsonNode siteBlamedOn(String blame) {
        JsonNode report = AgentReport.now();
        List<JsonNode> sites = AgentReport.callSites(report, blame);
        assertEquals(1, sites.size(), "one call site reaching " + blame + "\n" + AgentReport.text());
        JsonNode site = sites.get(0);
        assertEquals(blame, site.get("blame").asText());
        assertTrue(site.get("applicationLine").asBoolean(), site.toString());
        assertEquals(1, site.get("opened").asLong());
        return site;
    }
}
