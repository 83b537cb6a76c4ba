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
 * Sockets opened deep inside real HTTP client libraries are attributed to the test's own line:
 * a call site's frames start in the library and reach the first application frame.
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

    @Test
    void okHttpConnectionIsBlamedOnTheLineThatMadeTheCall() throws IOException {
        OkHttpClient client = new OkHttpClient();
        int line = lineOfNextStatement();
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            assertEquals("hello", response.body().string());
        }
        String blame = "io.socketleak.it.ThirdPartyClientsTest.okHttpConnectionIsBlamedOnTheLineThatMadeTheCall("
                + "ThirdPartyClientsTest.java:" + line + ")";
        JsonNode site = siteBlamedOn(blame);
        assertTrue(site.get("frames").get(0).asText().startsWith("okhttp3."),
                "the call site starts where the library asked for the socket: " + site.get("frames"));
        client.connectionPool().evictAll();
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

    private static JsonNode siteBlamedOn(String blame) {
        JsonNode report = AgentReport.now();
        List<JsonNode> sites = AgentReport.callSites(report, blame);
        assertEquals(1, sites.size(), "one call site reaching " + blame + "\n" + AgentReport.text());
        JsonNode site = sites.get(0);
        assertEquals(blame, site.get("blame").asText());
        assertEquals(1, site.get("opened").asLong());
        return site;
    }
}
