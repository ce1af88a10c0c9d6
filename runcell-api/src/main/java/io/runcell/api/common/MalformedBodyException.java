package io.runcell.api.common;

/** The request body is not valid JSON, not a JSON object, or too large. Each dialect renders it its own way. */
public final class MalformedBodyException extends RuntimeException {

    private final boolean tooLarge;

    public MalformedBodyException(String message, boolean tooLarge) {
        super(message, null, false, false);
        this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
