package io.runcell.driver.qga;

import java.io.IOException;

/** The agent answered with an error, did not answer in time, or the connection broke. */
public final class QgaException extends IOException {

    private final String errorClass;

    public QgaException(String message) {
        this(null, message, null);
    }

    public QgaException(String errorClass, String message, Throwable cause) {
        super(errorClass == null ? message : errorClass + ": " + message, cause);
        this.errorClass = errorClass;
    }

    /** The QMP error class the agent sent ({@code GenericError}, …), or null if the failure was local. */
    public String errorClass() {
        return errorClass;
    }
}
