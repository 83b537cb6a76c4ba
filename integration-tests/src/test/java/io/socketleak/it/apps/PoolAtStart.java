package io.socketleak.it.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;

/**
 * A HikariCP pool over PostgreSQL, made on main's first line: the pool's first connection opens on
 * main, the others on the pool's own adder thread. Says which line makes the pool, waits until it is
 * full, queries, closes it.
 */
public final class PoolAtStart {
    static final int SIZE = 4;

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername("postgres");
        config.setMinimumIdle(SIZE);
        config.setMaximumPoolSize(SIZE);
        System.out.println("pool made at line " + (new Throwable().getStackTrace()[0].getLineNumber() + 1));
        try (HikariDataSource pool = new HikariDataSource(config)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (pool.getHikariPoolMXBean().getTotalConnections() < SIZE && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (Connection c = pool.getConnection(); ResultSet r = c.createStatement().executeQuery("select 1")) {
                r.next();
                System.out.println("pool of " + pool.getHikariPoolMXBean().getTotalConnections() + ", select "
                        + r.getInt(1));
            }
        }
    }
}
