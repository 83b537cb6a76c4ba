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
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Servers in the application: the connections they accept are counted exactly and blamed on the
 * application's line, the accept itself when the application calls it, else the line that opened the
 * server (a server that accepts in the JDK's code, or on an asynchronous channel group's threads).
 * {@code AsynchronousSocketChannel} clients are tracked and classified like the others.
 */
class AcceptedSocketsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aServerThatLeavesOneAcceptedSocketOpenIsCountedAtItsAcceptLine() throws Exception {
        int connections = 4;
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
            List<Socket> clients = new ArrayList<>();
            List<Socket> keptOpen = new ArrayList<>();
            int line = 0;
            for (int i = 0; i < connections; i++) {
                clients.add(new Socket(LOOPBACK, server.getLocalPort()));
                line = lineOfNextStatement();
                Socket accepted = server.accept();
                if (i == 2) {
                    keptOpen.add(accepted); // the path that forgets to close
                } else {
                    accepted.close();
                }
            }
            String blame = "io.socketleak.it.AcceptedSocketsTest.aServerThatLeavesOneAcceptedSocketOpenIsCountedAtItsAcceptLine("
                    + "AcceptedSocketsTest.java:" + line + ")";
            JsonNode site = onlySite(AgentReport.now(), blame);
            assertEquals(connections, site.get("opened").asLong());
            assertEquals(1, site.get("open").asLong());
            assertEquals(connections - 1, site.get("activeCloses").asLong() + site.get("passiveCloses").asLong()
                    + site.get("abortiveCloses").asLong());
            assertTrue(site.get("origin").isNull(), site.toString());
            for (Socket s : clients) {
                s.close();
            }
            keptOpen.get(0).close();
        }
    }

    /** The JDK's HttpServer accepts on its dispatcher thread: the line that made the server is blamed. */
    @Test
    void connectionsAcceptedInTheJdksHttpServerAreBlamedOnTheLineThatMadeIt() throws Exception {
        int line = lineOfNextStatement();
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            String blame = "io.socketleak.it.AcceptedSocketsTest.connectionsAcceptedInTheJdksHttpServerAreBlamedOnTheLineThatMadeIt("
                    + "AcceptedSocketsTest.java:" + line + ")";
            JsonNode site = onlySite(AgentReport.now(), blame);
            assertEquals(1, site.get("opened").asLong());
            assertTrue(site.get("origin").asText().startsWith("through the JDK's HttpServer, accepted on thread HTTP-Dispatcher"),
                    site.toString());
        } finally {
            server.stop(0);
        }
    }

    /**
     * An asynchronous server accepts on its group's threads, and a client's connect may finish there:
     * the accepted side is blamed on the line that bound the server, the client on its connect line.
     * Closed from both ends, each close is classified; one client is left open.
     */
    @Test
    void asynchronousChannelsAreTrackedClassifiedAndBlamed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withThreadPool(threads);
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group)) {
            int bindLine = lineOfNextStatement();
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            int clients = 3;
            int connectLine = 0;
            List<AsynchronousSocketChannel> connected = new ArrayList<>();
            List<AsynchronousSocketChannel> accepted = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Future<AsynchronousSocketChannel> next = server.accept(); // pending: completes on the group
                AsynchronousSocketChannel client = AsynchronousSocketChannel.open(group);
                connectLine = lineOfNextStatement();
                client.connect(server.getLocalAddress()).get(10, TimeUnit.SECONDS);
                connected.add(client);
                accepted.add(next.get(10, TimeUnit.SECONDS));
            }
            connected.get(0).close(); // the client closes first: active here
            accepted.get(1).close();  // the server side closes first...
            awaitEndOfStream(connected.get(1));
            connected.get(1).close(); // ...so this close is passive
            String test = "io.socketleak.it.AcceptedSocketsTest.asynchronousChannelsAreTrackedClassifiedAndBlamed("
                    + "AcceptedSocketsTest.java:";
            JsonNode report = AgentReport.await(Duration.ofSeconds(10),
                    r -> AgentReport.sum(r, test + bindLine + ")", "opened") == clients);
            JsonNode client = onlySite(report, test + connectLine + ")");
            assertEquals(clients, client.get("opened").asLong());
            assertEquals(1, client.get("open").asLong(), "one client left open");
            assertEquals(1, client.get("activeCloses").asLong());
            assertEquals(1, client.get("passiveCloses").asLong());
            JsonNode serverSide = onlySite(report, test + bindLine + ")");
            assertEquals(clients, serverSide.get("opened").asLong());
            assertEquals(clients - 1, serverSide.get("open").asLong());
            assertTrue(serverSide.get("origin").asText().contains("accepted on thread "), serverSide.toString());
            for (AsynchronousSocketChannel c : connected) {
                c.close();
            }
            for (AsynchronousSocketChannel c : accepted) {
                c.close();
            }
        } finally {
            group.shutdownNow();
            group.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** No hook sees an asynchronous channel's end of stream: its CLOSE_WAIT is found from the kernel's table. */
    @Test
    void anAsynchronousClientLeftInCloseWaitIsFoundFromTheKernel() throws Exception {
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Future<AsynchronousSocketChannel> next = server.accept();
            try (AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
                int line = lineOfNextStatement();
                client.connect(server.getLocalAddress()).get(10, TimeUnit.SECONDS);
                next.get(10, TimeUnit.SECONDS).close(); // the server closes; the client neither reads nor closes
                String blame = "io.socketleak.it.AcceptedSocketsTest.anAsynchronousClientLeftInCloseWaitIsFoundFromTheKernel("
                        + "AcceptedSocketsTest.java:" + line + ")";
                AgentReport.await(Duration.ofSeconds(20), r -> AgentReport.leakCount(r, "closeWait", blame) == 1);
            }
        }
    }

    private static void awaitEndOfStream(AsynchronousSocketChannel channel) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        while (channel.read(buffer).get(10, TimeUnit.SECONDS) >= 0) {
            buffer.clear();
        }
    }

    private static JsonNode onlySite(JsonNode report, String blame) {
        List<JsonNode> sites = new ArrayList<>();
        for (JsonNode site : report.get("callSites")) {
            if (site.get("blame").asText().equals(blame)) {
                sites.add(site);
            }
        }
        assertEquals(1, sites.size(), "one call site blamed on " + blame + "\n" + AgentReport.text());
        assertTrue(sites.get(0).get("applicationLine").asBoolean());
        return sites.get(0);
    }
}
