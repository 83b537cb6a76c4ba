package io.socketleak.maven;

/**
 * An allow-list entry of {@code check}: sockets with an allocation frame starting with {@code prefix}
 * are not counted, for the stated {@code reason} (the JUnit extension's {@code @AllowSockets}, for the build).
 */
public class Allow {
    private String prefix;
    private String reason;

    public Allow() {
    }

    Allow(String prefix, String reason) {
        this.prefix = prefix;
        this.reason = reason;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }
}
