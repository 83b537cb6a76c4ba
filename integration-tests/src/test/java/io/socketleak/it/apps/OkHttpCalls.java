package io.socketleak.it.apps;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One call with {@code execute()} and one with {@code enqueue()}, each on a client of its own, against
 * a server of its own; prints OkHttp's version and the line of each call.
 */
public final class OkHttpCalls {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            exchange.close();
        });
        server.start();
        Request request = new Request.Builder().url("http://127.0.0.1:" + server.getAddress().getPort() + "/").build();
        System.out.println("okhttp " + okhttp3.OkHttp.VERSION);

        OkHttpClient executing = new OkHttpClient();
        System.out.println("execute at line " + (new Throwable().getStackTrace()[0].getLineNumber() + 1));
        try (Response response = executing.newCall(request).execute()) {
            response.body().string();
        }

        OkHttpClient enqueuing = new OkHttpClient();
        CompletableFuture<String> body = new CompletableFuture<>();
        System.out.println("enqueue at line " + (new Throwable().getStackTrace()[0].getLineNumber() + 1));
        enqueuing.newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                body.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) throws IOException {
                try (response) {
                    body.complete(response.body().string());
                }
            }
        });
        body.get(30, TimeUnit.SECONDS);
        for (OkHttpClient client : new OkHttpClient[] {executing, enqueuing}) {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
        server.stop(0);
    }
}
