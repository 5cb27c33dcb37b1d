package dev.hivelite.node.http;

import java.util.Map;

import dev.hivelite.node.common.ApiException;

/** PocketBase's error shape: {@code {"status":400,"message":"…","data":{"field":{"code","message"}}}}. */
record ErrorBody(int status, String message, Map<String, ?> data) {

    static ErrorBody of(ApiException e) {
        return new ErrorBody(e.status(), e.getMessage(), e.data());
    }

    static ErrorBody internal() {
        return new ErrorBody(500, "Something went wrong while processing your request.", Map.of());
    }
}
