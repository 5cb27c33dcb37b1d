package dev.hivelite.node.common;

import java.util.Map;

/**
 * The one way a feature reports a client error. Mapped once, by the HTTP layer, to PocketBase's error
 * shape {@code {status, message, data}}; {@code data} holds field errors keyed by field name, each
 * {@code {code, message}}. Anything that is not an {@code ApiException} becomes a generic 500 whose
 * cause is logged and never sent.
 */
public abstract sealed class ApiException extends RuntimeException
        permits ApiException.BadRequest, ApiException.Unauthorized, ApiException.Forbidden,
                ApiException.NotFound, ApiException.Conflict, ApiException.PayloadTooLarge,
                ApiException.TooManyRequests, ApiException.Unavailable {

    /**
     * One field's error. {@code params}: the values its message names ({@code {"min": 3}}), as
     * PocketBase has added them since v0.23; left out of the JSON when there are none.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record FieldError(String code, String message, Map<String, Object> params) {
        public FieldError(String code, String message) {
            this(code, message, null);
        }

        /** With one parameter. */
        public static FieldError of(String code, String message, String param, Object value) {
            return new FieldError(code, message, Map.of(param, value));
        }

        /** ozzo-validation's {@code Min(threshold)}, as PocketBase reports it: the threshold in the params too. */
        public static FieldError noLessThan(Object threshold) {
            return of("validation_min_greater_equal_than_required", "Must be no less than " + threshold + ".",
                    "threshold", threshold);
        }

        /** ozzo-validation's {@code Max(threshold)}. */
        public static FieldError noGreaterThan(Object threshold) {
            return of("validation_max_less_equal_than_required", "Must be no greater than " + threshold + ".",
                    "threshold", threshold);
        }

        /** ozzo-validation's {@code Length(min, max)} with both bounds, which sends both as params. */
        public static FieldError lengthBetween(int min, int max) {
            return new FieldError("validation_length_out_of_range",
                    "The length must be between " + min + " and " + max + ".", lengthParams(min, max));
        }

        /** ozzo-validation's {@code Length(0, max)}: it still sends {@code min} 0 beside {@code max}. */
        public static FieldError lengthAtMost(int max) {
            return new FieldError("validation_length_too_long", "The length must be no more than " + max + ".",
                    lengthParams(0, max));
        }

        /** Sorted, as Go writes a map. */
        private static Map<String, Object> lengthParams(int min, int max) {
            return new java.util.TreeMap<>(Map.of("min", min, "max", max));
        }
    }

    private final int status;
    private final Map<String, FieldError> fieldErrors;
    /** Nested error data (e.g. {@code fields.1.name}), when flat field errors do not say it. */
    private final Map<String, ?> data;

    private ApiException(int status, String message, Map<String, FieldError> fieldErrors) {
        super(message, null, false, false);
        this.status = status;
        this.fieldErrors = Map.copyOf(fieldErrors);
        this.data = this.fieldErrors;
    }

    private ApiException(int status, String message, Map<String, ?> data, boolean nested) {
        super(message, null, false, false);
        this.status = status;
        this.fieldErrors = Map.of();
        this.data = data;
    }

    /** PocketBase's messages for the common cases: part of the API contract, spelled once. */
    public static final String NOT_FOUND = "The requested resource wasn't found.";
    public static final String VALIDATION = "An error occurred while validating the submitted data.";
    public static final String NEEDS_SUPERUSER = "The request requires valid superuser authorization token to be set.";

    /** 404 with PocketBase's message. */
    public static NotFound notFound() {
        return new NotFound(NOT_FOUND);
    }

    /** 400 with PocketBase's validation message and these field errors. */
    public static BadRequest invalid(Map<String, FieldError> fieldErrors) {
        return new BadRequest(VALIDATION, fieldErrors);
    }

    /** 400 with PocketBase's validation message and one field error. */
    public static BadRequest invalid(String field, String code, String message) {
        return invalid(Map.of(field, new FieldError(code, message)));
    }

    /** 401: no valid superuser (or key) credentials. */
    public static Unauthorized needsSuperuser() {
        return new Unauthorized(NEEDS_SUPERUSER);
    }

    public int status() {
        return status;
    }

    public Map<String, FieldError> fieldErrors() {
        return fieldErrors;
    }

    /** What goes into the error body's {@code data}: the field errors, or nested data. */
    public Map<String, ?> data() {
        return data;
    }

    /** 400: the request is malformed or fails validation. */
    public static final class BadRequest extends ApiException {
        /** PocketBase's message of a 400 that names no cause (a query parameter or body it cannot read). */
        public static final String GENERIC = "Something went wrong while processing your request.";

        public BadRequest(String message) {
            this(message, Map.of());
        }

        public BadRequest(String message, Map<String, FieldError> fieldErrors) {
            super(400, message, fieldErrors);
        }

        /** With nested data, e.g. {@code {"fields": {"1": {"name": {code, message}}}}}. */
        public static BadRequest nested(String message, Map<String, ?> data) {
            return new BadRequest(message, data, true);
        }

        private BadRequest(String message, Map<String, ?> data, boolean nested) {
            super(400, message, data, nested);
        }
    }

    /** 401: credentials are missing or no longer valid. */
    public static final class Unauthorized extends ApiException {
        public Unauthorized(String message) {
            super(401, message, Map.of());
        }
    }

    /** 403: valid credentials that may not do this. */
    public static final class Forbidden extends ApiException {
        public Forbidden(String message) {
            super(403, message, Map.of());
        }

        public Forbidden(String message, Map<String, ?> data) {
            super(403, message, data, true);
        }
    }

    /** 404: nothing here, or nothing the caller may see. */
    public static final class NotFound extends ApiException {
        public NotFound(String message) {
            super(404, message, Map.of());
        }
    }

    /** 409: the request conflicts with the current state. */
    public static final class Conflict extends ApiException {
        public Conflict(String message) {
            super(409, message, Map.of());
        }
    }

    /** 413: the request body is larger than allowed. */
    public static final class PayloadTooLarge extends ApiException {
        /** PocketBase's message for a body past its limit. */
        public static final String MESSAGE = "Request entity too large.";

        public PayloadTooLarge(String message) {
            super(413, message, Map.of());
        }
    }

    /** 429: too many requests from this client. */
    public static final class TooManyRequests extends ApiException {
        public TooManyRequests(String message) {
            super(429, message, Map.of());
        }
    }

    /** 503: the server cannot take this now (draining, a full queue); the client may retry. */
    public static final class Unavailable extends ApiException {
        public Unavailable(String message) {
            super(503, message, Map.of());
        }
    }
}
