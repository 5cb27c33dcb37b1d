package dev.hivelite.node.records.filter;

/**
 * A filter could not be parsed or compiled: bad syntax, limits exceeded, or an unknown or forbidden
 * field. The message is short and meant for API clients, so it never contains generated SQL.
 */
public class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a short, client-safe message. */
    public FilterException(String message) {
        super(message);
    }

    /** Creates an exception with a short, client-safe message and the underlying cause. */
    public FilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
