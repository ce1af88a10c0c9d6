package io.runcell.client;

/** The server answered with an error status; {@link #body()} is its problem document (or text). */
public final class RuncellClientException extends RuntimeException {

    private final int status;
    private final String body;

    public RuncellClientException(int status, String body) {
        super("HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
