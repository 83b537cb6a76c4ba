package io.socketleak.agent.instrument;

import java.util.List;

/**
 * Where common clients take work from the application's thread and open its sockets on one of their
 * own: the stack is taken where the work is handed off ({@link Advice#HANDED_OFF}, keyed by the work
 * object) and carried to the thread that runs it ({@link Advice#CARRIED}), so that a socket opened
 * there is blamed on the application line that asked for it. A library's classes are rewritten as
 * they load; {@link HookStatus} shows an entry whose class loaded without its method. Work that runs
 * once lets its stack go as it starts ({@link Advice#CARRIED_ONCE}), so that the stacks held stay
 * few however many requests wait for the collector.
 */
public final class HandOffs {
    private static final String OKHTTP_CALL = "okhttp3.internal.connection.RealCall$AsyncCall";
    private static final String OKHTTP_PLAN = "okhttp3.internal.connection.ConnectPlan";
    private static final String HTTP_CLIENT_EXCHANGE = "jdk.internal.net.http.MultiExchange";
    private static final String HIKARI_MAKER = "com.zaxxer.hikari.pool.HikariPool$PoolEntryCreator";

    public static final List<Hook> ALL = List.of(
            // OkHttp 4 and 5: Call.enqueue() runs the call on the dispatcher's threads.
            new Hook("OkHttp call enqueued", OKHTTP_CALL, "<init>", null, Advice.HANDED_OFF),
            new Hook("OkHttp call run", OKHTTP_CALL, "run", "()", Advice.CARRIED_ONCE),
            // OkHttp 5: each route is connected on a TaskRunner thread ("fast fallback", on by default).
            new Hook("OkHttp connect planned", OKHTTP_PLAN, "<init>", null, Advice.HANDED_OFF),
            new Hook("OkHttp connect run", OKHTTP_PLAN, "connectTcp", "()", Advice.CARRIED_ONCE),
            // java.net.http.HttpClient: send() and sendAsync() make the exchange on the caller's thread
            // and run it on the client's executor; the connect completes on its selector thread. Its
            // first run opens the connection; a retry's or a redirect's goes uncarried.
            new Hook("HttpClient exchange made", HTTP_CLIENT_EXCHANGE, "<init>", null, Advice.HANDED_OFF),
            new Hook("HttpClient exchange run", HTTP_CLIENT_EXCHANGE, "responseAsyncImpl", "()", Advice.CARRIED_ONCE),
            // HikariCP: the pool's connection maker is made with the pool and run on its adder thread,
            // each time the pool needs connections.
            new Hook("HikariCP connection maker made", HIKARI_MAKER, "<init>", null, Advice.HANDED_OFF),
            new Hook("HikariCP connection maker run", HIKARI_MAKER, "call", "()", Advice.CARRIED));

    private HandOffs() {
    }
}
